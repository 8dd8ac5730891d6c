import { SelfTestResponse } from '@roomcast/shared';
import { useState } from 'react';
import { toApiError } from '../api/errors';
import { apiRequest, checked } from '../api/http';
import { adviceFor, selfTestSummary } from '../media/relay-advice';

/** The server allocates two relays on each TURN URL and loops a packet through them. */
export function RelaySelfTest({ enabled }: { enabled: boolean }) {
  const [result, setResult] = useState<SelfTestResponse | null>(null);
  const [summary, setSummary] = useState('');
  const [busy, setBusy] = useState(false);

  async function run() {
    setBusy(true);
    setSummary('Testing…');
    try {
      const next = await checked(SelfTestResponse, apiRequest('GET', '/api/connectivity/self-test'));
      setResult(next);
      setSummary(selfTestSummary(next));
    } catch (error) {
      setResult(null);
      setSummary(`The self-test could not run: ${toApiError(error).message}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="panel" aria-labelledby="selftest-title">
      <h2 id="selftest-title">Relay self-test</h2>
      <p className="muted">Allocates a relay on each TURN server this Roomcast hands out and loops a packet through it.</p>
      <button type="button" className="button" onClick={() => void run()} disabled={!enabled || busy} data-testid="selftest-run">
        {busy ? 'Testing…' : 'Run the self-test'}
      </button>
      <p data-testid="selftest-summary" role="status">
        {summary}
      </p>
      {result && result.results.length > 0 && (
        <table className="selftest">
          <thead>
            <tr>
              <th scope="col">Relay</th>
              <th scope="col">Result</th>
              <th scope="col">Round trip or reason</th>
            </tr>
          </thead>
          <tbody>
            {result.results.map((r) => (
              <tr key={r.url} data-testid="selftest-row" data-ok={String(r.ok)}>
                <td>
                  <code>{r.url}</code>
                </td>
                <td>{r.ok ? 'ok' : 'failed'}</td>
                <td>
                  {r.ok ? `${r.rttMs} ms` : r.error}
                  {!r.ok && (
                    <p className="small" data-testid="selftest-advice">
                      {adviceFor(r)}
                    </p>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
