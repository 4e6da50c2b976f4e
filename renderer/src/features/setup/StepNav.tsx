import type { ReactNode } from 'react';
import { useApp } from '../../stores/app-store.js';
import { nextSetupStep, previousSetupStep } from '../../stores/setup-slice.js';

/** Back and the step's own way forward, the same place on every step. */
export function StepNav({ children, back = true }: { children: ReactNode; back?: boolean }) {
  const step = useApp((s) => s.setupStep);
  const show = useApp((s) => s.showSetupStep);
  return (
    <div className="setup-nav">
      {back && step !== 'cards' ? (
        <button type="button" onClick={() => show(previousSetupStep(step))}>
          Back
        </button>
      ) : (
        <span />
      )}
      <div className="setup-nav-forward">{children}</div>
    </div>
  );
}

/** "Continue" to the next step. */
export function ContinueButton({ disabled = false, label = 'Continue', primary = true }: { disabled?: boolean; label?: string; primary?: boolean }) {
  const step = useApp((s) => s.setupStep);
  const show = useApp((s) => s.showSetupStep);
  return (
    <button type="button" className={primary ? 'primary' : undefined} disabled={disabled} onClick={() => show(nextSetupStep(step))}>
      {label}
    </button>
  );
}
