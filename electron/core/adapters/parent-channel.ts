/**
 * The child side of a NodeChild: the channel back to the process that started this one. In an Electron utility
 * process that is `process.parentPort`; under Node's fork it is `process.send`. Null when there is neither (this
 * module was not started as a child).
 */
export interface ParentChannel {
  /** The first message from the parent. */
  onceMessage(listener: (message: unknown) => void): void;
  send(message: unknown): void;
  /** Sends the last message, then ends this process once it is on its way. */
  sendLast(message: unknown): void;
}

interface ElectronParentPort {
  once(event: 'message', listener: (event: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

/** A utility process whose parent never kills it after the last message is ended after this long anyway. */
const UTILITY_LINGER_MS = 10_000;

export function parentChannel(): ParentChannel | null {
  const port = (process as unknown as { parentPort?: ElectronParentPort }).parentPort;
  if (port) {
    return {
      onceMessage: (listener) => port.once('message', (event) => listener(event.data)),
      send: (message) => port.postMessage(message),
      // postMessage has no "delivered" callback: the parent ends this child when the answer arrives; the timer only
      // keeps a parent that forgot from leaving it behind.
      sendLast: (message) => {
        port.postMessage(message);
        setTimeout(() => process.exit(0), UTILITY_LINGER_MS);
      },
    };
  }
  if (typeof process.send === 'function') {
    const send = process.send.bind(process);
    return {
      onceMessage: (listener) => process.once('message', listener),
      send: (message) => void send(message as never),
      sendLast: (message) => void send(message as never, undefined, {}, () => process.exit(0)),
    };
  }
  return null;
}
