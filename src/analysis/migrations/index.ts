/** This capability's migrations by their shipped names (naming rule: docs/database.md). */
import type { Migration } from 'kysely';
import * as m011 from './011_analysis.js';

export const analysisMigrations: Record<string, Migration> = {
  '011_analysis': m011,
};
