/** Guidance rules over a call's activity windows and phrase hits (docs/guidance.md, "Rules"). */
export { createRuleEngine, normalizePhrase, type RuleEngine, type RuleEngineOptions, type RuleWindow } from './engine.js';
export { phrasesOf } from './phrases.js';
