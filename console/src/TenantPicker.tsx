/** The tenant a page shows: the user's tenants (console API), the first chosen until the user picks another. */
import { useEffect, useState } from 'react';
import { Button, Label, ListBox, ListBoxItem, Popover, Select, SelectValue } from 'react-aria-components';
import { api, type TenantRow } from './api.js';

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
