/** The tenant a page shows: the user's tenants (console API), the first chosen until the user picks another. */
import { Fragment, useEffect, useState, type ReactNode } from 'react';
import { Button, Label, ListBox, ListBoxItem, Popover, Select, SelectValue } from 'react-aria-components';
import { api, type Me, type TenantRow } from './api.js';

export function useTenants(): { tenants: TenantRow[] | undefined; error: string | undefined; tenant: TenantRow | undefined; choose: (orgId: string) => void } {
  const [tenants, setTenants] = useState<TenantRow[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [chosen, setChosen] = useState<string | undefined>();
  useEffect(() => {
    api.tenants().then(
      (r) => setTenants(r.items),
      (err: unknown) => setError(err instanceof Error ? err.message : String(err)),
    );
  }, []);
  const tenant = tenants?.find((t) => t.orgId === chosen) ?? tenants?.[0];
  return { tenants, error, tenant, choose: setChosen };
}

export function TenantPicker({ tenants, tenant, choose }: { tenants: TenantRow[]; tenant: TenantRow; choose: (orgId: string) => void }) {
  return (
    <Select className="react-aria-Select tenant-picker" selectedKey={tenant.orgId} onSelectionChange={(k) => k !== null && choose(String(k))}>
      <Label>Tenant</Label>
      <Button>
        <SelectValue />
        <span aria-hidden="true"> ▾</span>
      </Button>
      <Popover>
        <ListBox items={tenants}>{(t) => <ListBoxItem id={t.orgId}>{t.name}</ListBoxItem>}</ListBox>
      </Popover>
    </Select>
  );
}

/** When an ISO time is shown: the browser's locale, to the second. */
export const when = (iso: string | null): string => (iso ? new Date(iso).toLocaleString() : '—');

export const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** What a tenant-scoped page gets: the tenant chosen, whether the user may act there, and the CSRF token. */
export interface TenantView {
  tenant: string;
  admin: boolean;
  csrf: string;
}

/**
 * A page over one of the user's tenants: loads them, shows the picker, and renders `view` for the one
 * chosen (keyed by it, so switching tenants starts the view afresh). Every tenant-scoped page is one of these.
 */
export function PerTenant({ me, view }: { me: Me; view: (v: TenantView) => ReactNode }) {
  const { tenants, error, tenant, choose } = useTenants();
  if (error) return <p role="alert">Could not load your tenants: {error}</p>;
  if (!tenants) return <p role="status">Loading…</p>;
  if (!tenant) return <p>You have no role on any tenant.</p>;
  return (
    <>
      <TenantPicker tenants={tenants} tenant={tenant} choose={choose} />
      <Fragment key={tenant.orgId}>{view({ tenant: tenant.orgId, admin: tenant.role === 'admin', csrf: me.csrfToken })}</Fragment>
    </>
  );
}
