/**
 * One tenant's settings form: the Genesys client with "Test credentials", the monitored group picked
 * from the org's groups (search), admission and gate policy, and the stream destinations with "Test
 * connection", and the real-time guidance rules (docs/guidance.md). Secrets are never sent to the page: their fields start empty, and empty keeps the stored
 * one. Viewers see the same form read-only. A tenant from a configuration file is read-only too.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { Button, Checkbox, ComboBox, FieldError, Form, Input, Label, ListBox, ListBoxItem, Popover, Radio, RadioGroup, Text, TextArea, TextField } from 'react-aria-components';
import { message } from './TenantPicker.js';
import { fieldErrors, tenantsApi, type Channels, type DestinationInput, type Group, type Guidance, type GuidanceRule, type SettingsInput, type TenantSettings, type TestResult } from './tenants-api.js';

interface DestForm {
  key: number;
  /** Index of the stored destination it shows (its secrets stay when the fields are left empty). */
  from?: number;
  url: string;
  name: string;
  bearerToken: string;
  storedToken: string | null;
  headerName: string;
  headerValue: string;
  storedHeader: string | null;
  channels: Channels;
  batchMs: string;
}

interface FormState {
  clientId: string;
  clientSecret: string;
  region: string;
  apiUrl: string;
  loginUrl: string;
  groupId: string;
  admission: TenantSettings['admission'];
  gateTimeout: string;
  onGateTimeout: TenantSettings['onGateTimeout'];
  onTransferAway: TenantSettings['onTransferAway'];
  destinations: DestForm[];
  /** Analyse calls live (guidance.enabled); off with no rules and no transcripts: no guidance section at all. */
  analyse: boolean;
  transcripts: boolean;
  rules: RuleForm[];
}

type RuleKind = GuidanceRule['kind'];

/** Every kind's fields, kept while the kind changes; the body takes those of the chosen kind. */
interface RuleForm {
  key: number;
  name: string;
  kind: RuleKind;
  /** One phrase per line. */
  phrases: string;
  party: 'any' | 'customer' | 'agent';
  minSeconds: string;
  above: string;
  windowSeconds: string;
  riseDb: string;
}

let nextKey = 1;

function ruleFormOf(r: GuidanceRule): RuleForm {
  const f = emptyRule();
  f.name = r.name;
  f.kind = r.kind;
  if (r.kind === 'phrase') return { ...f, phrases: r.phrases.join('\n'), party: r.party ?? 'any' };
  if (r.kind === 'silence' || r.kind === 'overtalk') return { ...f, minSeconds: String(r.minSeconds) };
  const window = r.windowSeconds === undefined ? '' : String(r.windowSeconds);
  if (r.kind === 'talk-ratio') return { ...f, party: r.party ?? 'agent', above: String(r.above), windowSeconds: window };
  return { ...f, party: r.party ?? 'customer', riseDb: r.riseDb === undefined ? '' : String(r.riseDb), windowSeconds: window };
}

function emptyRule(): RuleForm {
  return { key: nextKey++, name: '', kind: 'silence', phrases: '', party: 'any', minSeconds: '', above: '', windowSeconds: '', riseDb: '' };
}

function formOf(s: TenantSettings): FormState {
  return {
    clientId: s.genesys?.clientId ?? '',
    clientSecret: '',
    region: s.genesys?.region ?? 'mypurecloud.com',
    apiUrl: s.genesys?.apiUrl ?? '',
    loginUrl: s.genesys?.loginUrl ?? '',
    groupId: s.monitoredGroupId ?? '',
    admission: s.admission,
    gateTimeout: String(s.gateTimeoutSeconds),
    onGateTimeout: s.onGateTimeout,
    onTransferAway: s.onTransferAway,
    destinations: s.downstream.map((d, i) => ({
      key: nextKey++,
      from: i,
      url: d.url,
      name: d.name ?? '',
      bearerToken: '',
      storedToken: d.bearerToken,
      headerName: d.header?.name ?? '',
      headerValue: '',
      storedHeader: d.header?.value ?? null,
      channels: d.channels,
      batchMs: d.batchMs === null ? '' : String(d.batchMs),
    })),
    analyse: s.guidance?.enabled ?? false,
    transcripts: s.guidance?.transcripts ?? false,
    rules: (s.guidance?.rules ?? []).map(ruleFormOf),
  };
}

const optional = (v: string): string | undefined => (v.trim() === '' ? undefined : v.trim());

function genesysOf(f: FormState) {
  return { clientId: f.clientId.trim(), clientSecret: f.clientSecret, region: optional(f.region), apiUrl: optional(f.apiUrl), loginUrl: optional(f.loginUrl) };
}

function destinationOf(d: DestForm): DestinationInput {
  return {
    url: d.url.trim(),
    channels: d.channels,
    ...(d.from !== undefined ? { from: d.from } : {}),
    ...(optional(d.name) ? { name: d.name.trim() } : {}),
    ...(d.bearerToken ? { bearerToken: d.bearerToken } : {}),
    ...(optional(d.headerName) ? { header: { name: d.headerName.trim(), value: d.headerValue } } : {}),
    ...(optional(d.batchMs) ? { batchMs: Number(d.batchMs) } : {}),
  };
}

/** Empty number fields are left out (the schema's default applies); anything else goes as typed, for the server to judge. */
const num = (v: string): number | undefined => (v.trim() === '' ? undefined : Number(v));
const sided = (p: RuleForm['party'], fallback: 'customer' | 'agent'): 'customer' | 'agent' => (p === 'any' ? fallback : p);

function ruleOf(r: RuleForm): GuidanceRule {
  const name = r.name.trim();
  switch (r.kind) {
    case 'phrase':
      return { name, kind: 'phrase', phrases: r.phrases.split('\n').map((p) => p.trim()).filter((p) => p !== ''), party: r.party };
    case 'silence':
      return { name, kind: 'silence', minSeconds: num(r.minSeconds) ?? Number.NaN };
    case 'overtalk':
      return { name, kind: 'overtalk', minSeconds: num(r.minSeconds) ?? Number.NaN };
    case 'talk-ratio':
      return { name, kind: 'talk-ratio', party: sided(r.party, 'agent'), above: num(r.above) ?? Number.NaN, windowSeconds: num(r.windowSeconds) };
    case 'level-rising':
      return { name, kind: 'level-rising', party: sided(r.party, 'customer'), riseDb: num(r.riseDb), windowSeconds: num(r.windowSeconds) };
  }
}

function guidanceOf(f: FormState): Guidance | null {
  if (!f.analyse && !f.transcripts && f.rules.length === 0) return null;
  return { enabled: f.analyse, transcripts: f.transcripts, rules: f.rules.map(ruleOf) };
}

function bodyOf(f: FormState): SettingsInput {
  return {
    genesys: f.clientId.trim() === '' ? null : genesysOf(f),
    monitoredGroupId: f.groupId === '' ? null : f.groupId,
    admission: f.admission,
    gateTimeoutSeconds: Number(f.gateTimeout),
    onGateTimeout: f.onGateTimeout,
    onTransferAway: f.onTransferAway,
    downstream: f.destinations.map(destinationOf),
    guidance: guidanceOf(f),
  };
}

const outcome = (what: string, r: TestResult): string => (r.ok ? `${what}: OK (${r.elapsedMs} ms).` : `Failed: ${r.error ?? 'unknown error'}`);
const resultClass = (text: string): string => (text.startsWith('Failed') ? 'test-failed' : 'test-ok');

export function TenantSettingsForm({ tenant, admin, csrf }: { tenant: string; admin: boolean; csrf: string }) {
  const [settings, setSettings] = useState<TenantSettings | undefined>();
  const [form, setForm] = useState<FormState | undefined>();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | undefined>();
  const [notice, setNotice] = useState('');
  const load = useCallback(async () => {
    try {
      const s = await tenantsApi.settings(tenant);
      setSettings(s);
      setForm(formOf(s));
    } catch (err) {
      setError(message(err));
    }
  }, [tenant]);
  useEffect(() => void load(), [load]);
  if (error) return <p role="alert">Could not load the settings: {error}</p>;
  if (!settings || !form) return <p role="status">Loading settings…</p>;
  const editable = admin && settings.editable;
  const set = (patch: Partial<FormState>) => setForm({ ...form, ...patch });
  const save = async () => {
    setErrors({});
    setNotice('');
    try {
      const s = await tenantsApi.save(tenant, csrf, bodyOf(form));
      setSettings(s);
      setForm(formOf(s));
      setNotice('Saved. This server uses the new settings now; other replicas at their next tenant refresh.');
    } catch (err) {
      setErrors(fieldErrors(message(err)));
      setNotice(`Not saved: ${message(err)}`);
    }
  };
  return (
    <Form className="tenant-form" aria-label="Tenant settings" onSubmit={(e) => (e.preventDefault(), void save())} validationBehavior="aria">
      {settings.editable ? null : (
        <p className="note">
          This tenant is declared in a configuration file ({settings.source}): change it there. <code>hookline serve</code> applies the file at every start.
        </p>
      )}
      <GenesysSection tenant={tenant} csrf={csrf} form={form} set={set} errors={errors} editable={editable} stored={settings.genesys?.clientSecret ?? null} />
      <GroupPicker tenant={tenant} form={form} set={set} error={errors.monitoredGroupId} editable={editable} hasClient={settings.genesys !== null} />
      <PolicySection form={form} set={set} errors={errors} editable={editable} />
      <Destinations tenant={tenant} csrf={csrf} form={form} set={set} errors={errors} editable={editable} />
      <GuidanceSection form={form} set={set} errors={errors} editable={editable} />
      {editable ? (
        <div className="toolbar">
          <Button type="submit">Save settings</Button>
        </div>
      ) : null}
      <p role="status" className="notice">
        {notice}
      </p>
    </Form>
  );
}

interface SectionProps {
  form: FormState;
  set: (patch: Partial<FormState>) => void;
  errors: Record<string, string>;
  editable: boolean;
}

function Field({ label, value, onChange, error, editable, type = 'text', description, name }: { label: string; value: string; onChange: (v: string) => void; error?: string | undefined; editable: boolean; type?: string; description?: string; name?: string }) {
  return (
    <TextField value={value} onChange={onChange} isInvalid={error !== undefined} isReadOnly={!editable} type={type} name={name} autoComplete="off">
      <Label>{label}</Label>
      <Input />
      {description ? <Text slot="description">{description}</Text> : null}
      <FieldError>{error}</FieldError>
    </TextField>
  );
}

function GenesysSection({ tenant, csrf, form, set, errors, editable, stored }: SectionProps & { tenant: string; csrf: string; stored: string | null }) {
  const [result, setResult] = useState('');
  const [busy, setBusy] = useState(false);
  const test = async () => {
    setBusy(true);
    setResult('Testing…');
    try {
      setResult(outcome('Genesys login', await tenantsApi.testGenesys(tenant, csrf, genesysOf(form))));
    } catch (err) {
      setResult(`Failed: ${message(err)}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="genesys-title" className="form-section">
      <h3 id="genesys-title">Genesys Cloud client</h3>
      <Field label="Region (environment host)" value={form.region} onChange={(region) => set({ region })} error={errors['genesys.region']} editable={editable} description="e.g. mypurecloud.com, mypurecloud.ie, usw2.pure.cloud" />
      <Field label="OAuth client id" value={form.clientId} onChange={(clientId) => set({ clientId })} error={errors['genesys.clientId']} editable={editable} description="Client credentials grant. Empty removes the client." />
      <Field
        label="OAuth client secret"
        type="password"
        value={form.clientSecret}
        onChange={(clientSecret) => set({ clientSecret })}
        error={errors['genesys.clientSecret']}
        editable={editable}
        description={stored ? `Stored: ${stored}. Leave empty to keep it.` : 'None stored yet.'}
      />
      <Field label="API URL override" value={form.apiUrl} onChange={(apiUrl) => set({ apiUrl })} error={errors['genesys.apiUrl']} editable={editable} description="Only for the emulator or a proxy; empty: https://api.<region>" />
      <Field label="Login URL override" value={form.loginUrl} onChange={(loginUrl) => set({ loginUrl })} error={errors['genesys.loginUrl']} editable={editable} description="Empty: https://login.<region>" />
      {editable ? (
        <div className="toolbar">
          <Button onPress={() => void test()} isDisabled={busy || form.clientId.trim() === ''}>
            Test credentials
          </Button>
          <p role="status" className={resultClass(result)}>
            {result}
          </p>
        </div>
      ) : null}
    </section>
  );
}

/** The monitored group: typing searches the org's groups (through the stored client), picking one sets its id. */
function GroupPicker({ tenant, form, set, error, editable, hasClient }: { tenant: string; form: FormState; set: (p: Partial<FormState>) => void; error: string | undefined; editable: boolean; hasClient: boolean }) {
  const [groups, setGroups] = useState<Group[]>([]);
  const [input, setInput] = useState('');
  const [searchError, setSearchError] = useState('');
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const search = useCallback(
    (q: string, first = false) => {
      clearTimeout(timer.current);
      timer.current = setTimeout(() => {
        tenantsApi.groups(tenant, q).then(
          (r) => {
            setGroups(r.items);
            setSearchError('');
            const current = first ? r.items.find((g) => g.id === form.groupId) : undefined;
            if (current) setInput(current.name);
          },
          (err: unknown) => setSearchError(message(err)),
        );
      }, first ? 0 : 250);
    },
    [tenant, form.groupId],
  );
  useEffect(() => {
    if (hasClient) search('', true);
    return () => clearTimeout(timer.current);
    // Once per tenant: later searches follow the input.
  }, [tenant, hasClient]);
  return (
    <section aria-labelledby="group-title" className="form-section">
      <h3 id="group-title">Monitored group</h3>
      <ComboBox
        className="react-aria-ComboBox group-picker"
        items={groups}
        inputValue={input}
        onInputChange={(v) => {
          setInput(v);
          if (hasClient) search(v);
        }}
        selectedKey={form.groupId === '' ? null : form.groupId}
        onSelectionChange={(k) => {
          if (k === null) return;
          set({ groupId: String(k) });
          // Controlled input: the picked group's name replaces what was typed.
          setInput(groups.find((g) => g.id === k)?.name ?? String(k));
        }}
        isReadOnly={!editable}
        isInvalid={error !== undefined}
        allowsEmptyCollection
      >
        <Label>Group</Label>
        <div className="combo">
          <Input placeholder={hasClient ? 'Type part of the name' : 'Save a Genesys client first'} />
          <Button aria-label="Show groups">▾</Button>
        </div>
        <Text slot="description">{form.groupId ? `Group id: ${form.groupId}` : 'No group chosen.'}</Text>
        <FieldError>{error}</FieldError>
        <Popover>
          <ListBox<Group> renderEmptyState={() => <p className="empty">No group matches.</p>}>
            {(g) => (
              <ListBoxItem id={g.id} textValue={g.name}>
                {g.name}
                {g.memberCount === null ? '' : ` (${g.memberCount} members)`}
              </ListBoxItem>
            )}
          </ListBox>
        </Popover>
      </ComboBox>
      {searchError ? (
        <p role="alert" className="error">
          Group search failed: {searchError}
        </p>
      ) : null}
      {editable && form.groupId ? <Button onPress={() => (set({ groupId: '' }), setInput(''))}>Clear group</Button> : null}
    </section>
  );
}

function Choice<T extends string>({ label, value, options, onChange, editable, error }: { label: string; value: T; options: [T, string][]; onChange: (v: T) => void; editable: boolean; error?: string | undefined }) {
  return (
    <RadioGroup value={value} onChange={(v) => onChange(v as T)} isReadOnly={!editable} isInvalid={error !== undefined} orientation="horizontal">
      <Label>{label}</Label>
      <div className="radios">
        {options.map(([v, text]) => (
          <Radio key={v} value={v}>
            {text}
          </Radio>
        ))}
      </div>
      <FieldError>{error}</FieldError>
    </RadioGroup>
  );
}

function PolicySection({ form, set, errors, editable }: SectionProps) {
  return (
    <section aria-labelledby="policy-title" className="form-section">
      <h3 id="policy-title">Admission and gate</h3>
      <Choice label="Admission" value={form.admission} onChange={(admission) => set({ admission })} editable={editable} error={errors.admission} options={[['all', 'All calls'], ['monitored-group', 'Only calls of the monitored group']]} />
      <Field label="Gate timeout (seconds)" value={form.gateTimeout} onChange={(gateTimeout) => set({ gateTimeout })} error={errors.gateTimeoutSeconds} editable={editable} description="How long a new call waits for a monitored agent." />
      <Choice label="On gate timeout" value={form.onGateTimeout} onChange={(onGateTimeout) => set({ onGateTimeout })} editable={editable} error={errors.onGateTimeout} options={[['disconnect', 'Disconnect'], ['keep-paused', 'Keep paused']]} />
      <Choice label="On transfer away" value={form.onTransferAway} onChange={(onTransferAway) => set({ onTransferAway })} editable={editable} error={errors.onTransferAway} options={[['keep', 'Keep streaming'], ['pause', 'Pause']]} />
    </section>
  );
}

function Destinations({ tenant, csrf, form, set, errors, editable }: SectionProps & { tenant: string; csrf: string }) {
  const [results, setResults] = useState<Record<number, string>>({});
  const change = (key: number, patch: Partial<DestForm>) => set({ destinations: form.destinations.map((d) => (d.key === key ? { ...d, ...patch } : d)) });
  const add = () => set({ destinations: [...form.destinations, { key: nextKey++, url: '', name: '', bearerToken: '', storedToken: null, headerName: '', headerValue: '', storedHeader: null, channels: 'both', batchMs: '' }] });
  const test = async (d: DestForm) => {
    setResults((r) => ({ ...r, [d.key]: 'Testing…' }));
    let text: string;
    try {
      text = outcome('Connection', await tenantsApi.testDestination(tenant, csrf, destinationOf(d)));
    } catch (err) {
      text = `Failed: ${message(err)}`;
    }
    setResults((r) => ({ ...r, [d.key]: text }));
  };
  return (
    <section aria-labelledby="dest-title" className="form-section">
      <h3 id="dest-title">Stream destinations</h3>
      {form.destinations.length === 0 ? <p>No destinations: calls are not streamed anywhere.</p> : null}
      {form.destinations.map((d, i) => {
        const e = (f: string) => errors[`downstream.${i}.${f}`];
        const n = i + 1;
        return (
          <fieldset key={d.key} className="destination">
            <legend>Destination {n}</legend>
            <Field label={`Destination ${n} URL`} value={d.url} onChange={(url) => change(d.key, { url })} error={e('url')} editable={editable} description="ws:// or wss://" />
            <Field label={`Destination ${n} name`} value={d.name} onChange={(name) => change(d.key, { name })} error={e('name')} editable={editable} />
            <Field label={`Destination ${n} bearer token`} type="password" value={d.bearerToken} onChange={(bearerToken) => change(d.key, { bearerToken })} error={e('bearerToken')} editable={editable} description={d.storedToken ? `Stored: ${d.storedToken}. Leave empty to keep it.` : 'Sent as Authorization: Bearer …'} />
            <Field label={`Destination ${n} auth header name`} value={d.headerName} onChange={(headerName) => change(d.key, { headerName })} error={e('header.name')} editable={editable} />
            <Field label={`Destination ${n} auth header value`} type="password" value={d.headerValue} onChange={(headerValue) => change(d.key, { headerValue })} error={e('header.value')} editable={editable} description={d.storedHeader ? `Stored: ${d.storedHeader}. Leave empty to keep it.` : undefined} />
            <Choice label={`Destination ${n} channels`} value={d.channels} onChange={(channels) => change(d.key, { channels })} editable={editable} error={e('channels')} options={[['both', 'Both'], ['customer', 'Customer'], ['agent', 'Agent']]} />
            <Field label={`Destination ${n} batch (ms)`} value={d.batchMs} onChange={(batchMs) => change(d.key, { batchMs })} error={e('batchMs')} editable={editable} description="Audio per message, 0 frame by frame; empty: 100" />
            {editable ? (
              <div className="toolbar">
                <Button onPress={() => void test(d)} isDisabled={d.url.trim() === ''}>
                  Test connection
                </Button>
                <Button onPress={() => set({ destinations: form.destinations.filter((x) => x.key !== d.key) })}>Remove destination {n}</Button>
                <p role="status" className={resultClass(results[d.key] ?? '')}>
                  {results[d.key] ?? ''}
                </p>
              </div>
            ) : null}
          </fieldset>
        );
      })}
      {editable ? <Button onPress={add}>Add destination</Button> : null}
    </section>
  );
}

const KINDS: [RuleKind, string][] = [
  ['phrase', 'Phrase'],
  ['silence', 'Silence'],
  ['overtalk', 'Overtalk'],
  ['talk-ratio', 'Talk ratio'],
  ['level-rising', 'Level rising'],
];

/** Real-time guidance: whether calls are analysed, transcripts back to Genesys, and the rules (docs/guidance.md "Rules"). */
function GuidanceSection({ form, set, errors, editable }: SectionProps) {
  const change = (key: number, patch: Partial<RuleForm>) => set({ rules: form.rules.map((r) => (r.key === key ? { ...r, ...patch } : r)) });
  return (
    <section aria-labelledby="guidance-title" className="form-section">
      <h3 id="guidance-title">Real-time guidance</h3>
      <Checkbox isSelected={form.analyse} onChange={(analyse) => set({ analyse })} isReadOnly={!editable}>
        Analyse admitted calls live and fire the rules below
      </Checkbox>
      <Checkbox isSelected={form.transcripts} onChange={(transcripts) => set({ transcripts })} isReadOnly={!editable}>
        Send transcripts back to Genesys (Transcription Connector)
      </Checkbox>
      {form.rules.length === 0 ? <p>No rules: nothing fires.</p> : null}
      {form.rules.map((r, i) => {
        const e = (f: string) => errors[`guidance.rules.${i}.${f}`];
        const n = i + 1;
        return (
          <fieldset key={r.key} className="destination">
            <legend>Rule {n}</legend>
            <Field label={`Rule ${n} name`} value={r.name} onChange={(name) => change(r.key, { name })} error={e('name')} editable={editable} description="Lower-case letters, digits and -; shown in notifications" />
            <Choice label={`Rule ${n} kind`} value={r.kind} onChange={(kind) => change(r.key, { kind, party: kind === 'phrase' ? 'any' : kind === 'talk-ratio' ? 'agent' : 'customer' })} editable={editable} error={e('kind')} options={KINDS} />
            <RuleFields rule={r} n={n} change={(p) => change(r.key, p)} e={e} editable={editable} />
            {editable ? <Button onPress={() => set({ rules: form.rules.filter((x) => x.key !== r.key) })}>Remove rule {n}</Button> : null}
          </fieldset>
        );
      })}
      {editable ? <Button onPress={() => set({ rules: [...form.rules, emptyRule()] })}>Add rule</Button> : null}
    </section>
  );
}

function RuleFields({ rule: r, n, change, e, editable }: { rule: RuleForm; n: number; change: (p: Partial<RuleForm>) => void; e: (f: string) => string | undefined; editable: boolean }) {
  const party = (options: [RuleForm['party'], string][]) => <Choice label={`Rule ${n} party`} value={r.party} onChange={(p) => change({ party: p })} editable={editable} error={e('party')} options={options} />;
  const sides: [RuleForm['party'], string][] = [
    ['customer', 'Customer'],
    ['agent', 'Agent'],
  ];
  const windowField = (hint: string) => <Field label={`Rule ${n} window (seconds)`} value={r.windowSeconds} onChange={(windowSeconds) => change({ windowSeconds })} error={e('windowSeconds')} editable={editable} description={hint} />;
  switch (r.kind) {
    case 'phrase':
      return (
        <>
          <TextField value={r.phrases} onChange={(phrases) => change({ phrases })} isInvalid={e('phrases') !== undefined} isReadOnly={!editable}>
            <Label>{`Rule ${n} phrases`}</Label>
            <TextArea rows={3} />
            <Text slot="description">One per line, at most 8 words each; any case</Text>
            <FieldError>{e('phrases')}</FieldError>
          </TextField>
          {party([['any', 'Either party'], ...sides])}
        </>
      );
    case 'silence':
    case 'overtalk':
      return <Field label={`Rule ${n} minimum (seconds)`} value={r.minSeconds} onChange={(minSeconds) => change({ minSeconds })} error={e('minSeconds')} editable={editable} description={r.kind === 'silence' ? 'Fires when neither party speaks this long' : 'Fires when both parties speak at once this long'} />;
    case 'talk-ratio':
      return (
        <>
          {party(sides)}
          <Field label={`Rule ${n} share above`} value={r.above} onChange={(above) => change({ above })} error={e('above')} editable={editable} description="Between 0 and 1, e.g. 0.8: the party's share of the speech in the window" />
          {windowField('Empty: 60')}
        </>
      );
    case 'level-rising':
      return (
        <>
          {party(sides)}
          <Field label={`Rule ${n} rise (dB)`} value={r.riseDb} onChange={(riseDb) => change({ riseDb })} error={e('riseDb')} editable={editable} description="Empty: 6" />
          {windowField("Of the party's speech; empty: 10")}
        </>
      );
  }
}
