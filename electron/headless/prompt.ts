import { createInterface } from 'node:readline';
import type { Writable } from 'node:stream';

/** Asks one question at a time and resolves with the answer as typed (a test passes a scripted one). */
export interface Asker {
  ask(question: string): Promise<string>;
  close(): void;
}

/** The person left: Ctrl+C or Ctrl+D at a question. */
export class InputClosedError extends Error {
  constructor() {
    super('Setup stopped before it was finished.');
  }
}

/** Questions on a terminal through readline: answers from stdin, questions written to `output`. */
export function terminalAsker(output: Writable): Asker {
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  let closed = false;
  rl.once('close', () => (closed = true));
  // Without a listener readline only pauses on Ctrl+C; ending the questions is what the person meant.
  rl.on('SIGINT', () => {
    output.write('\n');
    rl.close();
  });
  return {
    ask: (question) =>
      new Promise<string>((resolve, reject) => {
        if (closed) return reject(new InputClosedError());
        const onClose = () => reject(new InputClosedError());
        rl.once('close', onClose);
        rl.question(question, (answer) => {
          rl.off('close', onClose);
          resolve(answer);
        });
      }),
    close: () => rl.close(),
  };
}
