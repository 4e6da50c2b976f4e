import { useApp } from '../../stores/app-store.js';
import { canVisitStep, SETUP_STEPS, stepIndex, type SetupStepId } from '../../stores/setup-slice.js';
import { BenchStep } from './BenchStep.js';
import { CardsStep } from './CardsStep.js';
import { DoneStep } from './DoneStep.js';
import { ScheduleStep } from './ScheduleStep.js';
import { WalletStep } from './WalletStep.js';

const STEP_COMPONENTS: Record<SetupStepId, () => React.JSX.Element> = {
  cards: CardsStep,
  bench: BenchStep,
  wallet: WalletStep,
  schedule: ScheduleStep,
  done: DoneStep,
};

function StepIndicator() {
  const step = useApp((s) => s.setupStep);
  const reached = useApp((s) => s.setupReached);
  const show = useApp((s) => s.showSetupStep);
  return (
    <ol className="setup-steps" aria-label="Setup steps">
      {SETUP_STEPS.map((entry, index) => {
        const state = entry.id === step ? 'current' : stepIndex(entry.id) < stepIndex(reached) ? 'done' : canVisitStep(entry.id, reached) ? 'reached' : 'ahead';
        const label = (
          <>
            <span className="setup-step-number" aria-hidden="true">
              {state === 'done' ? '✓' : index + 1}
            </span>
            <span>{entry.label}</span>
          </>
        );
        return (
          <li key={entry.id} className={`setup-step setup-step-${state}`} data-step={entry.id} data-state={state} aria-current={state === 'current' ? 'step' : undefined}>
            {state === 'done' || state === 'reached' ? (
              <button type="button" className="setup-step-button" onClick={() => show(entry.id)}>
                {label}
              </button>
            ) : (
              <span className="setup-step-button">{label}</span>
            )}
          </li>
        );
      })}
    </ol>
  );
}

/** First run: cards → quick benchmark → payout wallet → when to earn → done. No account anywhere. */
export function SetupWizard() {
  const step = useApp((s) => s.setupStep);
  const completed = useApp((s) => s.settings?.setup.completedAt ?? null) !== null;
  const skip = useApp((s) => s.skipSetup);
  const close = useApp((s) => s.closeSetup);
  const Step = STEP_COMPONENTS[step];
  return (
    <div className="page setup" data-testid="setup-wizard" data-step={step}>
      <header className="page-head">
        <h1>{completed && step !== 'done' ? 'Setup' : 'Start earning'}</h1>
        <p className="muted">{step === 'done' ? 'Setup is done. Here is what happens now.' : 'Four quick steps, about two minutes. No account, nothing to sign up for.'}</p>
        {step !== 'done' && (
          <div className="actions">
            {completed ? (
              <button type="button" className="link" onClick={close}>
                Close setup
              </button>
            ) : (
              <button type="button" className="link" onClick={() => void skip()}>
                Skip for now
              </button>
            )}
          </div>
        )}
      </header>
      {step !== 'done' && <StepIndicator />}
      <section className="panel setup-card" aria-live="polite">
        <Step />
      </section>
    </div>
  );
}
