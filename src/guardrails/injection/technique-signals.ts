import type { InjectionSignal } from './injection-signals.js';

/**
 * Signals for attack techniques named in public taxonomies that the first signal set
 * (injection-signals.ts) did not cover. Each group cites the category it stands for; the
 * patterns are written from the category's definition, not copied from any dataset's text:
 * - HackAPrompt (Schulhoff et al., 2023): payload splitting, defined-dictionary attack, few-shot
 *   attack, special case, context termination, instruction repetition, task deflection, and its
 *   fixed target output ("I have been PWNED").
 * - Lakera Gandalf: extracting a guarded password through side channels (length, letters,
 *   riddles, spelling alphabets) instead of asking for it.
 * - BIPIA (Yi et al., 2023): indirect injection in emails, web pages, tables and code, either
 *   task-irrelevant (an extra task appended), task-relevant (the user's task subverted) or
 *   targeted (scams, advertising, misinformation, data dissemination), often in hidden markup.
 * - deepset/prompt-injections: "forget the text above, you are now …" role changes.
 * Weights were set on the dev split only (see docs/guardrails.md, Evaluation).
 */

// --- HackAPrompt: fixed target output and defined dictionary ---------------------------------
/** The same reply to every input, quoted: the output is decided by the attacker, not the task. */
const fixedReply =
  /\b(?:respond|reply|answer|react)\w* (?:to )?(?:every|all|each|any) (?:question|message|input|request|prompt|query)s?\b(?: \w+){0,3}? with ["'“]|\b(?:only|sole|single) output\b[^.\n]{0,40}?\b(?:must|will|should|shall) be\b/;
const nothingElse =
  /\b(?:say|print|output|respond|reply|answer|write)\b[^.\n]{0,60}?\b(?:and nothing else|nothing else|no other text|without (?:any )?(?:punctuation|explanation|other text))\b|\boutput only (?:that|this|the value)\b/;
/** "whatever the input says": the reply must not depend on what the user actually sent. */
const inputIndependent = /\b(?:whatever|no matter what|regardless of what) (?:the )?(?:input|user|question|text|message|prompt)s? (?:says?|asks?|is|contains?|wants?)\b/;
const targetPhrase = /\bi have been pwned\b|\bpwned\b/;
/** Several keys of one dictionary mapped to the same phrase: a defined-dictionary attack. */
const repeatedDictionaryValue = /[{,]\s*["'][^"'\n]{1,80}["']\s*:\s*(["'][^"'\n]{4,60}["'])[^}]{0,200}?,\s*["'][^"'\n]{1,80}["']\s*:\s*\1/;

// --- HackAPrompt: special case, few-shot, context termination, repetition, task deflection ----
const specialCase = /\bspecial (?:instruction|case|rule|override|command)s?\s*:/;
const conditionalHijack = /\b(?:if|when|whenever) (?:you are|you're|you get|you're ever) asked to \w+[^.\n]{0,50}?\binstead\b/;
/** A few-shot block that ends on an empty answer slot, primed by the fabricated answers above it. */
const openAnswerSlot = /(?:^|\n)\s*(?:q|question|user|input)\s*:[^\n]+(?:\n\s*|\s+)(?:a|answer|assistant|output)\s*:\s*$/;
/** A fabricated model turn that already discloses the setup. */
const fabricatedDisclosure = /\bhere (?:is|are) my (?:system prompt|system message|instructions|hidden \w+|initial \w+|secret \w+|rules|configuration)\b/;
const separatorThenAuthority = /(?:^|\n)\s*[-=*#_~]{3,}\s*\n+\s*(?:system|admin|administrator|developer|root|operator|important|new task|attention)\b/;
const privilegedMode = /\b(?:session|assistant|you|model|chat|conversation)\b (?:is |are )?now (?:in|running in|operating in) (?:\w+ )?(?:maintenance|debug|diagnostic|admin|developer|test|god|unrestricted|service) mode\b/;
const setRulesAside =
  /\b(?:set|put|push|leave|cast|lay|throw) (?:your|all|the|those|these|its|all your) (?:\w+ )?(?:restrictions|rules|guidelines|instructions|filters|ethics|principles|constraints|scruples|safety \w+|programming) (?:aside|away|to one side)\b/;
const taskDeflection =
  /\b(?:do not|don't|stop|no need to) (?:translat|summari[sz]|answer|analy[sz]|classif|review|rat)\w* (?:this|it|that|anything|the \w+)\b[^.\n]{0,30}?\binstead\b/;
/** Everything forbidden becomes required: the refusal inverted (opposite-mode jailbreaks). */
const invertedRules = /\b(?:everything|anything|whatever|all(?: the things)?) (?:that )?you(?:'re| are| were|'ve been| have been)? (?:told|instructed|programmed|trained|designed) not to\b/;
const forgetTextAbove =
  /\b(?:ignore|disregard|forget)(?: about)? (?:the |all (?:the )?|any )?(?:text|stuff|content|words|conversation|context|messages?|things? (?:said|written)) (?:above|before|so far|until now|preceding|prior|earlier)\b/;

// --- Gandalf: side channels on a guarded secret -------------------------------------------------
const guardedSecret =
  '(?:the (?:secret )?(?:password|passphrase|passcode|secret word|secret code|access code)|your (?:secret )?(?:password|passphrase|passcode|secret word)|the (?:word|secret|password) (?:that )?you(?:\'re| are| were|\'ve been| have been)? (?:guarding|protecting|hiding|keeping|given|told|not allowed|forbidden)|(?:word|secret) (?:are you|you are|you\'re) not allowed to (?:say|reveal|tell|share|use))';
const sideChannel =
  '(?:how many (?:letters|characters)|(?:first|last|second|third) (?:and last )?(?:letter|character|ones?)|spell|riddle|rhym\\w*|synonym|hint|backwards|reverse|spaces? between|each (?:letter|character)|nato|phonetic|acrostic|encode|cipher|anagram|poem|song|translate|letters? of)';
const secretSideChannel = new RegExp(`${guardedSecret}[^\\n]{0,80}?\\b${sideChannel}|\\b${sideChannel}\\b[^\\n]{0,80}?${guardedSecret}`);
const forbiddenWord = /\b(?:words?|secrets?) (?:are you|you are|you're) not allowed to (?:say|reveal|tell|share|use)\b/;

// --- BIPIA: directives inside processed content ---------------------------------------------------
/** Content that names whoever processes it and tells it what to produce. */
const processorDirective =
  /\b(?:whoever|anyone|anything|any (?:tool|system|program|model|assistant)) (?:that |who )?(?:summari[sz]\w*|reads?|process\w*|translat\w*|analy[sz]\w*)\b[^.\n]{0,60}?\b(?:should|must|shall|needs? to|has to|is to|are to)\b|\b(?:note|message|instructions?|directive)s? (?:to|for) (?:the |any )?(?:summari[sz]er|translator|reader model|classifier|parser|crawler|indexer|language models?|models? reading this)\b|\bif you(?:'re| are) (?:an? )?(?:ai |language )?(?:assistant|model|agent|bot|llm)s? (?:reading|processing|summari[sz]ing|parsing|going through|with access)\b|\b(?:the )?(?:models?|classifiers?|summari[sz]ers?|translators?|(?:ai|llm) (?:systems?|tools?)) (?:reading|processing|parsing|summari[sz]ing|analy[sz]ing) (?:this|the following)\b/;
/** What the answer must say, dictated by the content ("in your summary, state that …"). */
const answerDirective =
  /\bin your (?:answer|summary|reply|response|output|translation|review|explanation)s?,? (?:also |always )?(?:claim|state|say|mention|tell|write|add|include|insist|assert|note|report)\b|\bwhen (?:you(?:'re| are)? )?(?:answer|respond|repl|summari[sz]|translat|complet|rewrit|review|process)\w*[^.\n;]{0,40}?,\s*(?:also |first |then )?(?:tell|say|state|claim|mention|insert|add|include|recommend|inform|warn|send)\b/;
const extraTask =
  /\b(?:after|before|instead of|in addition to|on top of) (?:answering|summari[sz]ing|responding|replying|translating|completing|reading)\b[^.\n]{0,40}?\b(?:also |first )?(?:write|list|add|append|include|tell|say|insert|send|generate)\b|\bappend (?:it|this|that|the following|them) to (?:your|the) (?:reply|answer|response|summary|output)\b/;

/** BIPIA's targeted scams: the reader is to be told an account is in trouble and where to "fix" it. */
const scamClaim =
  /\b(?:account|card|password|subscription|device|computer)s?\b[^.\n]{0,30}?\b(?:is|are|has been|have been|was|got)? ?(?:locked|suspended|compromised|frozen|blocked|hacked|infected|deactivated)\b[^.\n]{0,60}?\b(?:verify|confirm|log ?in|sign in|update|call|visit|download|pay)\b/;

export const techniqueSignals: readonly InjectionSignal[] = [
  { id: 'fixed_reply', weight: 0.7, pattern: fixedReply, hints: [['every', 'all ', 'each', 'any ', 'only output', 'sole output', 'single output']] },
  { id: 'nothing_else', weight: 0.35, pattern: nothingElse, hints: [['nothing else', 'no other text', 'without', 'output only']] },
  { id: 'input_independent', weight: 0.6, pattern: inputIndependent, hints: [['whatever', 'no matter what', 'regardless of what']] },
  { id: 'target_phrase', weight: 0.7, pattern: targetPhrase, hints: [['pwned']] },
  { id: 'defined_dictionary', weight: 0.6, pattern: repeatedDictionaryValue, hints: [['{'], [':']] },
  { id: 'special_case', weight: 0.5, pattern: specialCase, hints: [['special ']] },
  { id: 'conditional_hijack', weight: 0.7, pattern: conditionalHijack, hints: [['asked to'], ['instead']] },
  { id: 'open_answer_slot', weight: 0.45, pattern: openAnswerSlot, hints: [[':']] },
  { id: 'fabricated_disclosure', weight: 0.8, pattern: fabricatedDisclosure, hints: [['here is my', 'here are my']] },
  { id: 'separator_authority', weight: 0.6, pattern: separatorThenAuthority, hints: [['---', '===', '***', '###', '___', '~~~']] },
  { id: 'privileged_mode', weight: 0.7, pattern: privilegedMode, hints: [[' mode'], ['now ']] },
  { id: 'override', weight: 0.9, pattern: setRulesAside, hints: [['aside', 'away', 'one side']] },
  { id: 'task_deflection', weight: 0.7, pattern: taskDeflection, hints: [['instead']] },
  { id: 'inverted_rules', weight: 0.6, pattern: invertedRules, hints: [[' not to']] },
  { id: 'override', weight: 0.88, pattern: forgetTextAbove, hints: [['ignore', 'disregard', 'forget']] },
  { id: 'secret_side_channel', weight: 0.8, pattern: secretSideChannel, hints: [['password', 'passphrase', 'passcode', 'secret', 'access code', 'word']] },
  { id: 'forbidden_word', weight: 0.8, pattern: forbiddenWord, hints: [['not allowed to']] },
  { id: 'processor_directive', weight: 0.75, pattern: processorDirective, hints: [['whoever', 'anyone', 'anything', 'any ', 'note', 'message', 'instruction', 'directive', "you're", 'you are', 'model', 'classifier', 'summari', 'translator', ' ai ', 'llm']] },
  { id: 'answer_directive', weight: 0.6, pattern: answerDirective, hints: [['in your', 'when ']] },
  { id: 'scam_claim', weight: 0.5, pattern: scamClaim, hints: [['locked', 'suspended', 'compromised', 'frozen', 'blocked', 'hacked', 'infected', 'deactivated']] },
  { id: 'extra_task', weight: 0.6, pattern: extraTask, hints: [['after', 'before', 'instead of', 'in addition', 'on top of', 'append']] },
];
