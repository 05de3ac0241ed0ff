/**
 * The graceful stop of a real `npm start` process: on SIGTERM, while the requests in flight
 * finish within GATEWAY_SHUTDOWN_GRACE_MS, the gateway still answers its probes on new
 * connections (`/health/ready` 503 draining, `/health/live` 200, as a kubelet polls them) and a
 * request routed to it meanwhile; then it stops listening and exits 0. Past the grace, the
 * remaining connections are closed.
 */
import { once } from 'node:events';
import { get } from 'node:http';
import { describe, expect, it } from 'vitest';
import { npmStart, type StartedProcess } from '../support/npm-start.js';

interface Running {
  started: StartedProcess;
  url: string;
  key: string;
  exampleId: string;
  exited: Promise<[number | null, NodeJS.Signals | null]>;
}

/** The demo with crm answering in `crmMs` (600 ms; its timeout in the demo is 1.5 s), once its ready line (with the key and the example id) is out. */
async function startSlowDemo(graceMs: number, crmMs = 600): Promise<Running> {
  const started = npmStart(['--size', '200', '--latency', `crm=${crmMs}~0`], { GATEWAY_SHUTDOWN_GRACE_MS: String(graceMs), LOG_LEVEL: 'info' });
  const exited = once(started.child, 'close') as Promise<[number | null, NodeJS.Signals | null]>;
  await new Promise<void>((resolve, reject) => {
    started.child.stdout.on('data', () => {
      if (/Try it:[\s\S]*customer\(id: /.test(started.output().stdout)) resolve();
    });
    void exited.then(() => reject(new Error(`npm start exited: ${started.output().stderr}`)));
  });
  const { stdout } = started.output();
  return {
    started,
    exited,
    url: /ready at (\S+)/.exec(stdout)![1]!,
    key: /\n {2}(cgw_\S+)/.exec(stdout)![1]!,
    exampleId: /customer\(id: \\"([^\\]+)\\"/.exec(stdout)![1]!,
  };
}

/** Resolves once the process logged that its stop began (readiness turns 503 in the same tick). */
async function stopping(run: Running): Promise<void> {
  while (!run.started.output().stderr.includes('"gateway stopping"')) await new Promise((resolve) => setTimeout(resolve, 20));
}

/** The request reaches the gateway only once its event loop turns: a first answer shows it does (the demo fits a model at start). */
async function responsive(run: Running): Promise<void> {
  expect(await freshGet(run.url.replace(/graphql$/, 'health/live'))).toBe('answered 200');
}

/**
 * A GET on a new connection, as a kubelet's probe makes one (no agent: fetch's pool would reuse
 * an idle keep-alive connection, which the stop closes): `answered <status>`, or the connection
 * error's code.
 */
async function freshGet(url: string): Promise<string> {
  return (await freshAnswer(url)).outcome;
}

/** {@link freshGet} with the answer's body and `Connection` header. */
function freshAnswer(url: string): Promise<{ outcome: string; body?: unknown; connection?: string }> {
  return new Promise((resolve) => {
    get(url, { agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ outcome: `answered ${res.statusCode}`, body: JSON.parse(text), connection: res.headers.connection }));
    }).once('error', (error: NodeJS.ErrnoException) => resolve({ outcome: error.code ?? error.message }));
  });
}

function ask(run: Running): Promise<Response> {
  return fetch(run.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${run.key}` },
    body: JSON.stringify({ query: `{ customer(id: "${run.exampleId}") { crm { lastName } } }` }),
  });
}

// Concurrent: each test's process start (the demo's population and silos) takes most of its time.
describe.concurrent('the graceful shutdown', () => {
  it('on SIGTERM, while a slow request is in flight: /health/ready 503 draining and /health/live 200 on new connections, the request and one routed meanwhile answer 200, then exit 0 and the port refuses', async () => {
    const run = await startSlowDemo(8000);
    try {
      await responsive(run);
      const inFlight = ask(run);
      // The request needs crm at least twice (resolution, then its record): 1.2 s or more.
      await new Promise((resolve) => setTimeout(resolve, 400));
      const signalled = performance.now();
      run.started.child.kill('SIGTERM');
      await stopping(run);
      // What a kubelet reads: readiness takes the pod out of the Service, liveness does not restart it.
      const ready = await freshAnswer(run.url.replace(/graphql$/, 'health/ready'));
      expect(ready).toEqual({
        outcome: 'answered 503',
        body: {
          status: 'draining',
          message: 'The gateway is shutting down: it finishes the requests in flight (GATEWAY_SHUTDOWN_GRACE_MS at most), then exits. Route new requests to another replica.',
        },
        // Each answer while draining closes its connection.
        connection: 'close',
      });
      expect(await freshGet(run.url.replace(/graphql$/, 'health/live'))).toBe('answered 200');
      // A request the platform routed here before it saw the 503 is served, not refused.
      const routedMeanwhile = ask(run);
      for (const answer of [await inFlight, await routedMeanwhile]) {
        expect(answer.status).toBe(200);
        // A whole GraphQL answer (under load crm may still time out: its field is then null with
        // SOURCE_TIMEOUT, which is not the stop's doing); what matters is that the answer came.
        const body = (await answer.json()) as { data: { customer: unknown } };
        expect(Object.keys(body.data)).toEqual(['customer']);
      }
      const [code, signal] = await run.exited;
      expect([code, signal]).toEqual([0, null]);
      // Well within the 8 s grace: the stop waits for the requests, not for the grace.
      expect(performance.now() - signalled).toBeLessThan(6000);
      expect(await freshGet(run.url.replace(/graphql$/, 'health/live'))).toBe('ECONNREFUSED');
    } finally {
      if (run.started.child.exitCode === null) run.started.child.kill('SIGKILL');
    }
  }, 40_000);

  it('closes a request still running when the 300 ms grace is over, and exits 0', async () => {
    const run = await startSlowDemo(300, 1200);
    try {
      await responsive(run);
      const inFlight = ask(run).then(
        (res) => `answered ${res.status}`,
        () => 'connection closed',
      );
      await new Promise((resolve) => setTimeout(resolve, 400));
      const signalled = performance.now();
      run.started.child.kill('SIGTERM');
      expect(await inFlight).toBe('connection closed');
      const [code] = await run.exited;
      expect(code).toBe(0);
      expect(performance.now() - signalled).toBeLessThan(5000);
      expect(run.started.output().stderr).toContain('shutdown grace over');
    } finally {
      if (run.started.child.exitCode === null) run.started.child.kill('SIGKILL');
    }
  }, 40_000);
});
