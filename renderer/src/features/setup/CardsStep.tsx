import { FINISH_ANYWAY, gpuStepSummary } from '../../../../protocol/setup.js';
import { useApp } from '../../stores/app-store.js';
import { selectGpus } from '../../stores/provider-slice.js';
import { GpuCards } from '../gpus/GpuCards.js';
import { ContinueButton, StepNav } from './StepNav.js';

/** Step 1: what Offhours found, or why nothing can earn yet and what to do; never a dead end. */
export function CardsStep() {
  const inventory = useApp(selectGpus);
  const detecting = useApp((s) => s.provider?.detectingGpus ?? false);
  const api = useApp((s) => s.api);
  const showError = useApp((s) => s.showError);
  const summary = inventory ? gpuStepSummary(inventory) : null;
  return (
    <>
      <h2>Your graphics cards</h2>
      {summary && (
        <p className={`setup-lead ${summary.canEarn ? 'ok-text' : ''}`} data-testid="setup-cards-summary">
          {summary.canEarn ? `✓ ${summary.headline}` : 'Offhours did not find a card that can earn yet. Here is why, and what to do:'}
        </p>
      )}
      <GpuCards inventory={inventory} detecting={detecting} onRescan={() => api.detectGpus().catch(showError)} detailsHint="The PC check on the Dashboard shows every detail once setup is done." />
      {summary && !summary.canEarn && <p className="muted small">{FINISH_ANYWAY}</p>}
      <StepNav>
        <ContinueButton disabled={!inventory} />
      </StepNav>
    </>
  );
}
