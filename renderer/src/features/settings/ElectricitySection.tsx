import { useState } from 'react';
import type { Settings } from '../../../../protocol/settings.js';
import { useApp } from '../../stores/app-store.js';
import { hourLabel, readPriceInput } from './electricity-form.js';

type Electricity = Settings['electricity'];
const HOURS = Array.from({ length: 24 }, (_, hour) => hour);
const NIGHT_DEFAULT = { fromHour: 22, toHour: 6 };

/** A price field saved when it loses focus; a value core would refuse is explained and not sent. */
function PriceField({ name, label, value, unit, onSave }: { name: string; label: string; value: string | null; unit: string; onSave(value: string | null): void }) {
  const [error, setError] = useState<string | null>(null);
  return (
    <label className="field">
      <span className="toggle-label">{label}</span>
      <input
        name={name}
        inputMode="decimal"
        defaultValue={value ?? ''}
        placeholder="e.g. 0.25"
        onBlur={(event) => {
          const input = readPriceInput(event.target.value);
          setError(input.ok ? null : input.message);
          if (input.ok && input.value !== value) onSave(input.value);
        }}
      />
      <span className="muted small">{unit} per kWh</span>
      {error && <span className="warning-text">{error}</span>}
    </label>
  );
}

/**
 * Settings → Electricity: the owner's price per kWh in the payout token (earnings arrive in it, so both sides share
 * one unit), an optional cheaper night rate, and the minimum-profit rule.
 */
export function ElectricitySection({ electricity, token }: { electricity: Electricity; token: string }) {
  const saving = useApp((s) => s.savingSettings);
  const saveSettings = useApp((s) => s.saveSettings);
  const save = (patch: Partial<Electricity>) => void saveSettings({ electricity: patch });
  const tariff = electricity.timeOfUse;
  return (
    <section className="panel" data-testid="electricity-settings">
      <h2>Electricity</h2>
      <p className="muted small">
        Enter what a kWh costs you, in {token} (the token you are paid in), to see net earnings after your GPU’s electricity. Offhours uses the GPU’s measured
        power while it works, or an estimate it marks as one.
      </p>
      <div className="rule-fields">
        <PriceField key={`p-${electricity.pricePerKwh}`} name="pricePerKwh" label="Electricity price" value={electricity.pricePerKwh} unit={token} onSave={(pricePerKwh) => save({ pricePerKwh })} />
        {tariff && (
          <>
            <PriceField key={`c-${tariff.cheapPricePerKwh}`} name="cheapPricePerKwh" label="Cheaper rate" value={tariff.cheapPricePerKwh} unit={token} onSave={(value) => value && save({ timeOfUse: { ...tariff, cheapPricePerKwh: value } })} />
            <label className="field">
              <span className="toggle-label">Cheaper from … until</span>
              <span>
                {(['fromHour', 'toHour'] as const).map((key) => (
                  <select key={key} name={key} aria-label={key === 'fromHour' ? 'Cheaper from' : 'Cheaper until'} value={tariff[key]} disabled={saving} onChange={(e) => save({ timeOfUse: { ...tariff, [key]: Number(e.target.value) } })}>
                    {HOURS.map((hour) => (
                      <option key={hour} value={hour}>
                        {hourLabel(hour)}
                      </option>
                    ))}
                  </select>
                ))}
              </span>
            </label>
          </>
        )}
      </div>
      <ul className="toggle-list">
        <li>
          <label className="toggle">
            <input
              type="checkbox"
              name="timeOfUse"
              checked={tariff !== null}
              disabled={saving || electricity.pricePerKwh === null}
              onChange={(e) => save({ timeOfUse: e.target.checked ? { cheapPricePerKwh: electricity.pricePerKwh ?? '0', ...NIGHT_DEFAULT } : null })}
            />
            <span>
              <span className="toggle-label">My electricity is cheaper at certain hours</span>
              <span className="muted small">A night rate, for example; the hours are this PC’s local time.</span>
            </span>
          </label>
        </li>
        <li>
          <label className="toggle">
            <input type="checkbox" name="stopWhenUnprofitable" checked={electricity.stopWhenUnprofitable} disabled={saving} onChange={(e) => save({ stopWhenUnprofitable: e.target.checked })} />
            <span>
              <span className="toggle-label">Take no work that costs more in electricity than it pays</span>
              <span className="muted small">Offers are turned down while the net per hour would be below zero.</span>
            </span>
          </label>
        </li>
      </ul>
    </section>
  );
}
