import type { ReactNode } from 'react';

/** An honest "nothing here yet" panel: what this page will show and what the owner can do now. */
export function EmptyState({ title, children, testId }: { title: string; children: ReactNode; testId?: string }) {
  return (
    <section className="panel empty" data-testid={testId}>
      <h2>{title}</h2>
      <div className="muted">{children}</div>
    </section>
  );
}
