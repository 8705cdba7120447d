/**
 * The install wizard at /install/ (docs/install.md): Start → Check configuration → Setup → Install →
 * Summary, with a step indicator. Where it stands comes from the server's run, so a refresh resumes
 * at the right step; each step's heading takes the focus when the step changes, for keyboard and
 * screen-reader users.
 */
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { Button, Form, Input, Label, TextField } from 'react-aria-components';
import { HttpError } from './api.js';
import { finishLogin, installApi, startLogin, type Check, type RunView } from './install-api.js';

const STEPS = ['Start', 'Check configuration', 'Setup', 'Install', 'Summary'] as const;
type Step = (typeof STEPS)[number];

const STEP_LABELS: Record<string, string> = {
  role: 'Role with exactly the permissions Hookline needs',
  client: 'OAuth client (client credentials) with that role',
  group: 'Monitored group',
  tenant: 'Hookline tenant and AudioHook API key',
  credential: 'AudioHook credential (API key and client secret)',
  integration: 'AudioHook Monitor integration',
  activate: 'Activation (the connection probe must pass)',
  store: 'Genesys org, client id and secret stored in the tenant',
};

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Where a run resumes: the furthest step its state allows. */
function resumeStep(run: RunView | undefined): Step {
  if (!run) return 'Start';
  if (run.installed || run.uninstalledAt) return 'Summary';
  return run.setupDone ? 'Install' : 'Check configuration';
}

export function Install() {
  const [run, setRun] = useState<RunView | undefined>();
  const [step, setStep] = useState<Step | undefined>();
  const [error, setError] = useState<string | undefined>();
  const heading = useRef<HTMLHeadingElement>(null);
  const show = useCallback((r: RunView | undefined) => {
    setRun(r);
    setStep(resumeStep(r));
  }, []);
  useEffect(() => {
    void (async () => {
      try {
        const back = await finishLogin();
        show(back ?? (await installApi.run()));
      } catch (err) {
        if (!(err instanceof HttpError && err.status === 401)) setError(errorText(err));
        show(undefined);
      }
    })();
  }, [show]);
  useEffect(() => heading.current?.focus(), [step]);
  useEffect(() => void (document.title = `${step ?? 'Loading'} — Hookline install wizard`), [step]);
  if (!step) return <p className="wizard">Loading…</p>;
  const go = (s: Step) => {
    setError(undefined);
    setStep(s);
  };
  return (
    <div className="wizard">
      <header>
        <span className="brand">Hookline</span> install wizard{run ? <span className="who"> — {run.orgName} ({run.adminName})</span> : null}
      </header>
      <nav aria-label="Install steps">
        <ol className="steps">
          {STEPS.map((s, i) => (
            <li key={s} aria-current={s === step ? 'step' : undefined} className={STEPS.indexOf(step) > i ? 'done' : undefined}>
              <span className="visually-hidden">{STEPS.indexOf(step) > i ? 'Done: ' : ''}</span>
              {i + 1}. {s}
            </li>
          ))}
        </ol>
      </nav>
      <main>
        <h1 ref={heading} tabIndex={-1}>
          {step}
        </h1>
        {error ? (
          <p role="alert" className="error">
            {error}
          </p>
        ) : null}
        {step === 'Start' ? <StartStep onError={setError} /> : null}
        {step === 'Check configuration' && run ? <CheckStep onNext={() => go('Setup')} onError={setError} /> : null}
        {step === 'Setup' && run ? <SetupStep run={run} onBack={() => go('Check configuration')} onDone={show} onError={setError} /> : null}
        {step === 'Install' && run ? <InstallStep run={run} onDone={show} onError={setError} /> : null}
        {step === 'Summary' && run ? <SummaryStep run={run} onDone={show} onAgain={() => go('Install')} onError={setError} /> : null}
      </main>
    </div>
  );
}

type OnError = (e: string | undefined) => void;

function StartStep({ onError }: { onError: OnError }) {
  const login = async () => {
    try {
      const c = await installApi.config();
      if (!c.clientId) throw new Error('This Hookline has no Genesys client for the wizard (install.genesysClientId).');
      await startLogin(c.authorizeUrl, c.clientId);
    } catch (err) {
      onError(errorText(err));
    }
  };
  return (
    <>
      <p>This wizard installs Hookline in your Genesys Cloud organization. It creates a role, an OAuth client, a monitored group and an AudioHook Monitor integration, and sets up your Hookline tenant. Every step can be re-run, and the Summary tells how to undo it all.</p>
      <p>Log in with a Genesys Cloud administrator account; you will come back here.</p>
      <Button onPress={() => void login()}>Log in with Genesys Cloud</Button>
    </>
  );
}

function CheckStep({ onNext, onError }: { onNext: () => void; onError: OnError }) {
  const [check, setCheck] = useState<Check | undefined>();
  useEffect(() => {
    installApi.check().then(setCheck, (err: unknown) => onError(errorText(err)));
  }, [onError]);
  if (!check) return <p>Checking your organization…</p>;
  const ok = check.missingPermissions.length === 0 && check.audioHookAvailable;
  return (
    <>
      <h2>Your permissions</h2>
      {check.missingPermissions.length === 0 ? <p>You hold every permission the install needs.</p> : <Listed title="You lack these permissions; ask an administrator to grant them:" items={check.missingPermissions} />}
      <h2>AudioHook</h2>
      <p>{check.audioHookAvailable ? 'AudioHook Monitor is available in your organization.' : 'AudioHook Monitor is not available in your organization (it needs the AudioHook product).'}</p>
      <h2>What will be created</h2>
      <ul>
        {check.willCreate.map((w) => (
          <li key={w}>{w}</li>
        ))}
      </ul>
      <Button onPress={onNext} isDisabled={!ok}>
        Continue to setup
      </Button>
    </>
  );
}

function Listed({ title, items }: { title: string; items: string[] }) {
  return (
    <>
      <p>{title}</p>
      <ul>
        {items.map((i) => (
          <li key={i}>
            <code>{i}</code>
          </li>
        ))}
      </ul>
    </>
  );
}

function Field({ label, value, onChange, type = 'text', autoComplete }: { label: string; value: string; onChange: (v: string) => void; type?: string; autoComplete?: string }) {
  return (
    <TextField value={value} onChange={onChange} isRequired type={type} {...(autoComplete ? { autoComplete } : {})}>
      <Label>{label}</Label>
      <Input />
    </TextField>
  );
}

function SetupStep({ run, onBack, onDone, onError }: { run: RunView; onBack: () => void; onDone: (r: RunView) => void; onError: OnError }) {
  const [tenantName, setTenantName] = useState(run.tenantName ?? run.orgName);
  const [clientId, setClientId] = useState('');
  const [secret, setSecret] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    try {
      const t = await installApi.token(clientId.trim(), secret);
      onError(undefined);
      onDone(await installApi.setup(tenantName, t.access_token));
    } catch (err) {
      onError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Form
      className="setup"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <p>Your Hookline operator gave you an installer client id and secret. They are checked by obtaining a token from Hookline.</p>
      <Field label="Hookline tenant name" value={tenantName} onChange={setTenantName} />
      <Field label="Installer client id" value={clientId} onChange={setClientId} autoComplete="username" />
      <Field label="Installer client secret" value={secret} onChange={setSecret} type="password" autoComplete="current-password" />
      <div className="toolbar">
        <Button onPress={onBack}>Back</Button>
        <Button type="submit" isDisabled={busy}>
          {busy ? 'Verifying…' : 'Verify and continue'}
        </Button>
      </div>
    </Form>
  );
}

function StepList({ run }: { run: RunView }) {
  return (
    <ul className="install-steps">
      {run.steps.map((s) => (
        <li key={s.step} className={s.done ? 'done' : undefined}>
          {s.done ? '✓ ' : '○ '}
          {STEP_LABELS[s.step] ?? s.step}
          <span className="visually-hidden">{s.done ? ' (done)' : ' (to do)'}</span>
        </li>
      ))}
    </ul>
  );
}

function InstallStep({ run, onDone, onError }: { run: RunView; onDone: (r: RunView) => void; onError: OnError }) {
  const [busy, setBusy] = useState(false);
  const install = async () => {
    setBusy(true);
    onError(undefined);
    try {
      onDone(await installApi.install());
    } catch (err) {
      onError(errorText(err));
      onDone(await installApi.run().catch(() => run));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <p>Tenant <strong>{run.tenantName}</strong>. Install creates what is not there yet, in this order:</p>
      <StepList run={run} />
      <p role="status">{busy ? 'Installing… Genesys probes the AudioHook connection before the integration turns active.' : ''}</p>
      <Button onPress={() => void install()} isDisabled={busy}>
        {busy ? 'Installing…' : 'Install'}
      </Button>
    </>
  );
}

function Created({ label, r }: { label: string; r: { id: string; link: string | null } | null }): ReactNode {
  if (!r) return null;
  return (
    <>
      <dt>{label}</dt>
      <dd>{r.link ? <a href={r.link}>{r.id}</a> : r.id}</dd>
    </>
  );
}

function SummaryStep({ run, onDone, onAgain, onError }: { run: RunView; onDone: (r: RunView) => void; onAgain: () => void; onError: OnError }) {
  const [busy, setBusy] = useState(false);
  const uninstall = async () => {
    setBusy(true);
    try {
      onDone(await installApi.uninstall());
      onError(undefined);
    } catch (err) {
      onError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  if (!run.installed) {
    return (
      <>
        <p role="status">Uninstalled: everything the wizard had created was removed ({run.uninstalledAt}).</p>
        <Button onPress={onAgain}>Install again</Button>
      </>
    );
  }
  const c = run.created;
  return (
    <>
      <p role="status">Hookline is installed. The AudioHook integration is {run.integrationState === 'ACTIVE' ? 'active: its connection probe passed' : run.integrationState}.</p>
      <h2>Created in Genesys Cloud</h2>
      <dl className="facts">
        <Created label="Role" r={c.role} />
        <Created label="OAuth client" r={c.oauthClient} />
        <Created label="Monitored group" r={c.group} />
        <Created label="AudioHook credential" r={c.credential} />
        <Created label="AudioHook integration" r={c.integration} />
      </dl>
      <h2>Created in Hookline</h2>
      <p>
        {c.tenant.created ? `Tenant "${run.tenantName}"` : `Tenant "${run.tenantName}" (it existed; the wizard added its key and Genesys settings)`}, AudioHook API key {c.tenant.apiKey}.
      </p>
      <h2>How to undo</h2>
      <p>Uninstall deletes exactly the objects listed above, in Genesys and in Hookline, and nothing you made yourself. Add agents to the monitored group for Hookline to record their calls.</p>
      <Button onPress={() => void uninstall()} isDisabled={busy}>
        {busy ? 'Uninstalling…' : 'Uninstall'}
      </Button>
    </>
  );
}
