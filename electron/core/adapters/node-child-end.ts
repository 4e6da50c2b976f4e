import type { NodeChildEnd } from '../ports.js';

/** A child's one end, told once to every listener, a late one too (both NodeChild launchers keep one). */
export class ChildEnd {
  private end: NodeChildEnd | null = null;
  private readonly listeners: ((end: NodeChildEnd) => void)[] = [];

  get ended(): boolean {
    return this.end !== null;
  }

  listen(listener: (end: NodeChildEnd) => void): void {
    if (this.end) listener(this.end);
    else this.listeners.push(listener);
  }

  settle(end: NodeChildEnd): void {
    if (this.end) return;
    this.end = end;
    for (const listener of this.listeners.splice(0)) listener(end);
  }
}
