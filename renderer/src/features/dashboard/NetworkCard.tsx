import { useEffect, useState } from 'react';
import { useApp } from '../../stores/app-store.js';
import { networkCardView } from './network-card.js';

const VERDICT = { ok: 'verdict-ok', info: 'verdict-info', bad: 'verdict-bad', muted: 'verdict-info' } as const;

/** The link to the network: connected or not (and what to do), which network, and what it thinks of this PC. */
export function NetworkCard() {
  const slice = useApp((s) => s.provider?.network ?? null);
  const [now, setNow] = useState(() => Date.now());
  const counting = slice?.connection === 'unreachable' && slice.nextRetryAt !== null;
  useEffect(() => {
    if (!counting) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [counting]);
  if (!slice) return null;
  const view = networkCardView(slice, now);
  const rules = slice.standing?.reputation.rules ?? [];
  return (
    <section className="panel network-card" data-testid="network-card" data-connection={slice.connection} aria-labelledby="network-title">
      <div className="panel-head">
        <h2 id="network-title">Network</h2>
        <span className={`verdict ${VERDICT[view.tone]}`} data-testid="network-connection">
          {view.badge}
        </span>
      </div>
      <p data-testid="network-message">{view.headline}</p>
      {view.nextStep && <p className="muted small">Next: {view.nextStep}</p>}
      {slice.mode !== 'off' && (
        <p className="small" data-testid="network-name">
          {view.network}
          {slice.url && <span className="muted"> · {slice.url}</span>}
        </p>
      )}
      {view.facts.length > 0 && (
        <dl className="jobs-facts">
          {view.facts.map((fact) => (
            <div key={fact.id}>
              <dt>{fact.label}</dt>
              <dd data-testid={`network-${fact.id}`}>{fact.value}</dd>
            </div>
          ))}
        </dl>
      )}
      {rules.length > 0 && (
        <ul className="network-rules small" data-testid="network-reputation-rules">
          {rules.map((rule) => (
            <li key={rule.rule}>
              <strong>
                +{rule.points} of {rule.weight}
              </strong>{' '}
              <span className="muted">{rule.description}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
