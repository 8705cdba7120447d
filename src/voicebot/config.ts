/**
 * The `voicebot` section: process-wide bounds of the voice-bot bridge (the
 * AudioConnector endpoint). Tenants' bots and connectors are tenant settings
 * (src/tenants/voicebot-config.ts); this is what one replica will carry.
 * Composed into the whole configuration by src/app/config.ts.
 */
import { z } from 'zod';

export const voicebotServerSchema = z
  .strictObject({
    /**
     * Voice-bot calls at once on this replica. Each can hold a recognizer program (pocketsphinx: 35–100 MB),
     * a TTS program and a bot connection; beyond it a call is refused in its open transaction.
     */
    maxSessions: z.number().int().positive().default(100),
    /** Voice-bot calls at once of one tenant on this replica: one organization cannot take every slot. */
    maxSessionsPerTenant: z.number().int().positive().default(25),
  })
  .prefault({});

export type VoicebotServerConfig = z.infer<typeof voicebotServerSchema>;
