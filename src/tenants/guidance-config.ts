/**
 * A tenant's real-time guidance and analysis settings (docs/guidance.md):
 * whether its admitted calls are analysed, whether transcripts go back to
 * Genesys as AudioHook `transcript` events (Transcription Connector mode),
 * and its guidance rules. Each rule that fires makes one notification (a
 * `guidance.triggered` common event). No secrets here.
 */
import { z } from 'zod';

/** Which side of the call a rule listens to: AudioHook's external channel is the customer, internal the agent. */
export const partySchema = z.enum(['customer', 'agent']);
const anyParty = z.enum(['customer', 'agent', 'any']);

const name = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lower-case letters, digits and -, at most 63 characters')
  .describe('Rule name: shown in notifications and events; unique per tenant');

const seconds = (what: string) => z.number().positive().max(3600).describe(what);

export const phraseRuleSchema = z.strictObject({
  name,
  kind: z.literal('phrase'),
  /** Spotted case-insensitively; each at most 8 words. */
  phrases: z
    .array(z.string().trim().min(1).max(80).refine((p) => p.split(/\s+/).length <= 8, 'at most 8 words'))
    .min(1)
    .max(50),
  party: anyParty.default('any'),
});

export const silenceRuleSchema = z.strictObject({ name, kind: z.literal('silence'), minSeconds: seconds('Fires when neither party speaks for this long') });

export const overtalkRuleSchema = z.strictObject({ name, kind: z.literal('overtalk'), minSeconds: seconds('Fires when both parties speak at once for this long') });

export const talkRatioRuleSchema = z.strictObject({
  name,
  kind: z.literal('talk-ratio'),
  party: partySchema.default('agent'),
  /** Share of the window's speech (0..1) by `party` above which the rule fires. */
  above: z.number().gt(0).lt(1),
  windowSeconds: seconds('The sliding window the ratio is computed over').default(60),
});

export const levelRisingRuleSchema = z.strictObject({
  name,
  kind: z.literal('level-rising'),
  party: partySchema.default('customer'),
  /** Rise of the speech level (dB) over the window that fires the rule. */
  riseDb: z.number().positive().max(60).default(6),
  windowSeconds: seconds('The window over which the rise is measured').default(10),
});

export const guidanceRuleSchema = z.discriminatedUnion('kind', [phraseRuleSchema, silenceRuleSchema, overtalkRuleSchema, talkRatioRuleSchema, levelRisingRuleSchema]);

export const guidanceSchema = z
  .strictObject({
    /** Analyse this tenant's admitted calls live (acoustic metrics, and phrase spotting when a rule needs it). */
    enabled: z.boolean().default(true),
    /** Send recognized speech back to Genesys as AudioHook `transcript` events (Transcription Connector mode). */
    transcripts: z.boolean().default(false),
    rules: z.array(guidanceRuleSchema).max(100).default([]),
  })
  .superRefine((g, ctx) => {
    g.rules.forEach((r, i) => {
      if (g.rules.findIndex((x) => x.name === r.name) !== i) ctx.addIssue({ code: 'custom', path: ['rules', i, 'name'], message: `"${r.name}" is used by another rule of this tenant: names must be unique` });
    });
  });

export type Party = z.infer<typeof partySchema>;
export type GuidanceRule = z.infer<typeof guidanceRuleSchema>;
export type GuidanceConfig = z.infer<typeof guidanceSchema>;
