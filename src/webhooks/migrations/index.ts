/** This capability's migrations by their shipped names (naming rule: docs/database.md). */
import type { Migration } from 'kysely';
import * as m007 from './007_webhooks_delivery.js';

export const webhookMigrations: Record<string, Migration> = {
  '007_webhooks_delivery': m007,
};
