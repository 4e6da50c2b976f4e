import { InputClosedError, type Asker } from '../../prompt.js';

/** Answers questions from a list, in order, and records what was asked; out of answers it acts as Ctrl+D. */
export function scriptedAsker(answers: string[]): Asker & { questions: string[]; closed: () => boolean } {
  const questions: string[] = [];
  const queue = [...answers];
  let closed = false;
  return {
    questions,
    closed: () => closed,
    ask: async (question) => {
      questions.push(question);
      const answer = queue.shift();
      if (answer === undefined) throw new InputClosedError();
      return answer;
    },
    close: () => {
      closed = true;
    },
  };
}

/** A text sink that keeps what was written; `isTTY` makes it look like a terminal. */
export function textSink(isTTY = false) {
  let text = '';
  return { isTTY, write: (chunk: string) => ((text += chunk), true), text: () => text };
}
