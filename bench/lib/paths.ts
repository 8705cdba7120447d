/**
 * Repository files the benchmarks need at run time. The bench build puts the
 * src files it imports under dist-bench/src, one level deeper than dist/, so
 * the emulator's own default (three levels up from src/emulator/audio) would
 * miss fixtures/; the benchmarks name the directory themselves.
 */
import { fileURLToPath } from 'node:url';

/** bench/lib and dist-bench/bench/lib are both three levels below the repository root. */
export const SPEECH_DIR = fileURLToPath(new URL('../../../fixtures/speech/', import.meta.url));
/** The benchmarks' own plugins (plain JavaScript, not compiled): loaded by `hookline serve` from here. */
export const BENCH_PLUGINS_DIR = fileURLToPath(new URL('../../../bench/plugins/', import.meta.url));
