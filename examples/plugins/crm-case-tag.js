// @ts-check
/**
 * Example Hookline plugin (plain JavaScript, no build step): tags every event
 * of a conversation with the CRM case it belongs to, looked up by the
 * customer's number (ANI) in a static map from the configuration, and keeps
 * the case id in the conversation's state so later events are tagged too.
 * Counts committed events after commit, to show the after-commit hook.
 *
 *   plugins:
 *     - module: ./examples/plugins/crm-case-tag.js
 *       options: { cases: { 'tel:+3225550100': CASE-1042 }, vetoUnknown: false }
 *
 * With `vetoUnknown: true` it vetoes changes of conversations whose ANI has no
 * case yet (they are committed once a later snapshot finds one, or never).
 * See docs/plugins.md for the interface (src/plugins/api.ts).
 */

/** @type {import('../../src/plugins/api.js').PluginFactory} */
export default function crmCaseTag(options, { log }) {
  const o = /** @type {{ cases?: Record<string, string>, vetoUnknown?: boolean }} */ (options ?? {});
  const cases = new Map(Object.entries(o.cases ?? {}));
  let committed = 0;
  log.info({ cases: cases.size }, 'crm-case-tag ready');
  return {
    name: 'crm',
    beforeCommit(change) {
      const kept = change.previous?.enrichment?.crm?.caseId;
      const ani = typeof change.next.ani === 'string' ? change.next.ani : undefined;
      const caseId = typeof kept === 'string' ? kept : ani === undefined ? undefined : cases.get(ani);
      if (caseId === undefined) return o.vetoUnknown ? { veto: `no CRM case for ${ani ?? 'an unknown caller'}` } : undefined;
      return { enrich: { events: { caseId }, state: { caseId } } };
    },
    afterCommit(events) {
      committed += events.length;
    },
    close() {
      log.info({ committed }, 'crm-case-tag closed');
    },
  };
}
