/**
 * A tenant's AudioHook API keys: masked list; Create, Rotate and Revoke for admins. A new key's secret is
 * shown once, in a dialog that says to copy it into Genesys's AudioHook integration now. Rotate issues a
 * new pair and keeps the old one working until it is revoked (docs/console.md "AudioHook keys").
 */
import { useCallback, useEffect, useState } from 'react';
import { Button, Cell, Column, Dialog, Heading, Input, Label, Modal, Row, Table, TableBody, TableHeader, TextField } from 'react-aria-components';
import { message, when } from './TenantPicker.js';
import { tenantsApi, type AudioHookKey, type NewKey } from './tenants-api.js';

export function TenantKeys({ tenant, admin, csrf }: { tenant: string; admin: boolean; csrf: string }) {
  const [keys, setKeys] = useState<AudioHookKey[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [label, setLabel] = useState('');
  const [issued, setIssued] = useState<NewKey | undefined>();
  const [notice, setNotice] = useState('');
  const load = useCallback(async () => {
    try {
      setKeys((await tenantsApi.keys(tenant)).items);
    } catch (err) {
      setError(message(err));
    }
  }, [tenant]);
  useEffect(() => void load(), [load]);
  const act = async (what: () => Promise<string>) => {
    try {
      setNotice(await what());
    } catch (err) {
      setNotice(`Failed: ${message(err)}`);
    }
    await load();
  };
  const create = () =>
    act(async () => {
      const k = await tenantsApi.createKey(tenant, csrf, label.trim() || undefined);
      setIssued(k);
      setLabel('');
      return `Key ${k.apiKey.slice(-4)} created.`;
    });
  const rotate = (k: AudioHookKey) =>
    act(async () => {
      const n = await tenantsApi.rotateKey(tenant, csrf, k.id);
      setIssued(n);
      return `Key ${n.apiKey.slice(-4)} issued to replace ${k.apiKey}; revoke ${k.apiKey} once Genesys uses the new one.`;
    });
  // Revoking refuses every new connection with the key at once: it takes a second, explicit press.
  const [confirming, setConfirming] = useState<string | undefined>();
  const revoke = (k: AudioHookKey) =>
    act(async () => {
      setConfirming(undefined);
      await tenantsApi.revokeKey(tenant, csrf, k.id);
      return `Key ${k.apiKey} revoked: new connections with it are refused.`;
    });
  if (error) return <p role="alert">Could not load the AudioHook keys: {error}</p>;
  if (!keys) return <p role="status">Loading keys…</p>;
  return (
    <section aria-labelledby="keys-title" className="form-section">
      <h3 id="keys-title">AudioHook API keys</h3>
      {keys.length === 0 ? (
        <p>No keys: Genesys cannot connect to this tenant yet.</p>
      ) : (
        <Table aria-label="AudioHook API keys">
          <TableHeader>
            <Column isRowHeader>Key</Column>
            <Column>Label</Column>
            <Column>Signed</Column>
            <Column>Source</Column>
            <Column>Created</Column>
            <Column>Actions</Column>
          </TableHeader>
          <TableBody items={keys} dependencies={[confirming]}>
            {(k) => (
              <Row id={k.id}>
                <Cell>
                  <code>{k.apiKey}</code>
                </Cell>
                <Cell>{k.label ?? '—'}</Cell>
                <Cell>{k.signed ? 'yes' : 'no (unsigned)'}</Cell>
                <Cell>{k.source}</Cell>
                <Cell>{when(k.createdAt)}</Cell>
                <Cell>
                  {admin ? (
                    <div className="row-actions">
                      <Button aria-label={`Rotate key ${k.apiKey}`} onPress={() => void rotate(k)}>
                        Rotate
                      </Button>
                      {k.source.startsWith('config') ? null : confirming === k.id ? (
                        <>
                          <Button aria-label={`Confirm: revoke key ${k.apiKey}, refusing new connections with it`} className="react-aria-Button danger" onPress={() => void revoke(k)}>
                            Confirm revoke
                          </Button>
                          <Button aria-label={`Keep key ${k.apiKey}`} onPress={() => setConfirming(undefined)}>
                            Cancel
                          </Button>
                        </>
                      ) : (
                        <Button aria-label={`Revoke key ${k.apiKey}`} className="react-aria-Button danger" onPress={() => setConfirming(k.id)}>
                          Revoke
                        </Button>
                      )}
                    </div>
                  ) : (
                    '—'
                  )}
                </Cell>
              </Row>
            )}
          </TableBody>
        </Table>
      )}
      {admin ? (
        <div className="toolbar">
          <TextField value={label} onChange={setLabel} className="react-aria-TextField inline-field">
            <Label>New key label</Label>
            <Input />
          </TextField>
          <Button onPress={() => void create()}>Create key</Button>
        </div>
      ) : null}
      <p role="status" className="notice">
        {notice}
      </p>
      <SecretDialog issued={issued} close={() => setIssued(undefined)} />
    </section>
  );
}

function SecretDialog({ issued, close }: { issued: NewKey | undefined; close: () => void }) {
  return (
    <Modal isOpen={issued !== undefined} onOpenChange={(open) => (open ? undefined : close())} className="react-aria-Modal secret-modal">
      <Dialog aria-labelledby="secret-title">
        <Heading slot="title" id="secret-title">
          {issued?.replaces ? 'Replacement AudioHook key' : 'New AudioHook key'}
        </Heading>
        <p>
          Copy both values now into the Genesys AudioHook Monitor integration (Credentials: API Key and Client Secret). The secret is shown
          <strong> only this once</strong>: it cannot be read again.
        </p>
        <dl className="facts secret">
          <dt>API key</dt>
          <dd>
            <code data-testid="new-api-key">{issued?.apiKey}</code>
          </dd>
          <dt>Client secret</dt>
          <dd>
            <code data-testid="new-secret">{issued?.secret}</code>
          </dd>
        </dl>
        {issued?.replaces ? <p>The old key keeps working until you revoke it, so calls in progress are not cut. Revoke it once Genesys uses the new one.</p> : null}
        <Button slot="close" onPress={close}>
          I have copied them
        </Button>
      </Dialog>
    </Modal>
  );
}
