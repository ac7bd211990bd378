/**
 * The independent signals of the prompt-injection detector. Each has a weight, the probability
 * that a text showing it alone is an attack; a text's score combines the signals it shows as
 * independent evidence (1 − ∏(1 − weight)). Weights were set on the dev split of
 * eval/guardrails/injection.jsonl, never on its held-out split. Patterns run on the lowercased
 * normalized view (see normalize-for-injection.ts); `hints` are a cheap test that must pass first.
 */
export interface InjectionSignal {
  id: string;
  weight: number;
  pattern: RegExp;
  /**
   * Cheap pre-check: every group must have one of its substrings in the text (String#includes),
   * so the pattern runs only on texts that could match it. Most prose fails every group.
   */
  hints?: ReadonlyArray<readonly string[]>;
  /** Weakened when the match is framed as a question about someone else's behaviour (see `thirdPartyFraming`). */
  framed?: boolean;
}

// --- instruction override, English ---------------------------------------------------------
// Compositional: an action that discards (ignore, scrap, don't follow, "are void"…) and a
// reference to the model's own rules (qualified by whose or which: "your", "previous", "you were
// given"…), in either order within one sentence. Lists of whole attack phrases did not generalise.
const discardAction =
  "(?:ignor(?:e|ing)|disregard(?:ing)?|forget(?:ting)?|overlook|neglect|skip|drop|discard|scrap|throw (?:out|away)|toss|delete|erase|wipe|cancel(?:led)?|void|rescind(?:ed)?|revoked?|retract|suspend(?:ed)?|lifted|override|overrule|bypass|circumvent|evade|get around|disabled?|deactivate|turn off|switch off|set aside|pay no attention|(?:do not|don't) pay attention|(?:do not|don't) (?:follow|obey|apply|matter|count)|doesn't matter|no longer (?:apply|applies|valid|matters?|in effect|relevant|binding)|stop (?:following|obeying)|not (?:be )?(?:bound|restricted) by|break free|free yourself|never ?mind|(?:is|are|were|was) (?:now )?(?:void|null|obsolete|outdated|cancell?ed|invalid|suspended|revoked|lifted|rescinded|disabled|over)|(?:have|has) been (?:repealed|abolished|lifted|removed|cancell?ed|revoked|suspended|disabled|waived)|repealed|abolished|as (?:cancell?ed|void|null|invalid|obsolete))";
const ruleNoun =
  '(?:instructions?|directions?|directives?|prompts?|system (?:message|prompt)|rules|guidelines|guidance|commands|orders|programming|constraints|restrictions|limitations|polic(?:y|ies)|filters?|filtering|safeguards|guardrails|moderation|alignment|conditioning|configuration|setup|principles|protocols?|boundaries|safety(?: laws| stuff| features| measures)?|ethics|morals|laws)';
const ruleOwner =
  "(?:previous|prior|earlier|above|preceding|former|original|initial|foregoing|existing|all(?: of)?(?: the| your)?|any|every|your|my|system|safety|content|developer'?s?|operator'?s?|these|those)";
const ruleAfter =
  "(?:above|before|so far|until now|earlier|(?:that )?you(?:'ve| have| had| were| are)? ?(?:been )?(?:given|set up|configured|told|instructed|programmed|received|got|run with|operate under|follow|initialized)|given to you|set up with|configured with|(?:in|from) (?:your|the) (?:system|initial|original))";
const ruleReference = `(?:\\b${ruleOwner}\\s+(?:[a-z'-]+\\s+){0,2}?${ruleNoun}\\b|\\b${ruleNoun}\\s+(?:[a-z'-]+\\s+){0,3}?${ruleAfter})`;
const overrideEnglish = new RegExp(`\\b${discardAction}\\b[^.!?\\n]{0,60}?${ruleReference}|${ruleReference}[^.!?\\n]{0,60}?\\b${discardAction}\\b`);
/** The same action with an unqualified noun ("ignore instructions") is weaker evidence. */
const overrideLoose = new RegExp(
  `\\b${discardAction}\\b[^.!?\\n]{0,30}?\\b${ruleNoun}\\b|\\b${ruleNoun}\\b[^.!?\\n]{0,20}?\\b(?:are |is |have been |has been |now )*(?:lifted|void|disabled|removed|suspended|off|cancell?ed|revoked|waived)\\b`,
);
const overrideEverything =
  /\b(?:ignore|disregard|forget)\b (?:what|whatever|anything|everything|all)\b[^.!?\n]{0,40}?\b(?:told|said|instructed|taught|given|before|above|prior|preceding)\b/;
const rewriteRules =
  /\b(?:chang|replac|rewrit|overwrit|updat|modify|modifying|reprogramm?)\w* your (?:core |system |original |current )?(?:instructions|rules|prompt|programming|guidelines|directives|system prompt)\b/;
const ignoreUser =
  /\b(?:ignore|disregard|forget)\b (?:the|what the) user(?:'s)? (?:\w+ )?(?:question|request|query|message|input|instructions?|prompt|asks?)\b/;
const newInstructionsHeader = /(?:^|\n)\s*(?:new|updated|real|revised) (?:instructions?|rules|directives|system prompt|orders)\s*:/;
const stopBeing = /\bstop being (?:a|an|the|my) \w+/;
const rulesVoid =
  /\b(?:previous|prior|above|earlier|original|old|all|your|the|system|these)\b[^.!?\n]{0,20}?\b(?:instructions?|rules|guidelines|directives|restrictions|polic(?:y|ies)|prompt)\b (?:are|were|is|was|have been|has been)(?: now| hereby)? (?:void|null|cancel+ed|suspended|revoked|lifted|disabled|removed|outdated|obsolete|invalid|no longer \w+|only a test|just a test|a test|a mistake|fake)/;
const rulesUpdated =
  /\b(?:your|the)\b (?:\w+ )?(?:instructions?|rules|guidelines|directives|prompt)\b (?:have been|has been|were|are) (?:updated|changed|modified|replaced|overwritten)|\b(?:rules|instructions|guidelines)\b (?:no longer|don't|do not) apply\b/;
const newInstructions =
  /\b(?:new|real|actual|true|updated|revised) (?:instructions?|directives?|rules|system prompt|task|objective|orders)\b ?(?:are|is|follow|:)|\byour (?:new|next|only|real) (?:task|instruction|goal|job|objective|role) (?:is|:)/;
const outdated = /\b(?:the above|the previous|the prior|everything above)\b (?:is|was|are|were) (?:outdated|wrong|fake|void|a test|obsolete)|\b(?:do not|don't) (?:follow|obey) (?:it|them|those|that|the above)\b/;
const actWithoutRules =
  /\b(?:continue|proceed|operate|respond|answer|act|behave|work|reply|function)\w* without (?:\w+ ){0,2}(?:constraints|restrictions|rules|guidelines|filters|limitations|limits|censorship|polic(?:y|ies))\b/;
const resetContext = /\b(?:reset|clear|wipe|flush)\b (?:your|the) (?:context|memory|instructions|conversation)\b/;
const obeyMe = /\b(?:obey|comply with|follow) (?:the user|me|my (?:orders|commands|rules))\b|\bgrant (?:every|all|any) (?:request|wish)/;

// --- instruction override, other languages --------------------------------------------------
const overrideOtherLanguages = new RegExp(
  [
    // French
    "\\b(?:ignore[rsz]?|oublie[rsz]?|ne (?:tiens|tenez) pas compte|fais abstraction|ne (?:suis|suivez|respecte|respectez) (?:pas|plus)|arrête de suivre|n\'obéis pas)\\b (?:toutes? |tous )?(?:les |tes |vos |la |le |l'|ces |des |aux )[^.!?\\n]{0,30}?\\b(?:instructions?|consignes?|règles|directives|indications|prompt)",
    // German
    '\\b(?:ignorier\\w*|verg(?:iss|ess)\\w*|missachte\\w*|übergehe|beachte (?:nicht|keine)|halte dich nicht an|befolge (?:nicht|keine))\\b[^.!?\\n]{0,40}?(?:anweisung\\w*|regeln|richtlinien|instruktionen|vorgaben|befehle|systemprompt)',
    '(?:regeln|anweisungen|richtlinien|vorgaben)\\w*[^.!?\\n]{0,20}?außer kraft|\\bvergiss alles\\b|\\b(?:was|das) (?:dir|ihnen) (?:vorher|zuvor) gesagt',
    // Spanish, Portuguese, Italian
    '\\b(?:ignora[rs]?|ignore|olvida[rs]?|olvide|omite|descarta|haz caso omiso|no hagas caso|no sigas|deja de seguir|esqueça|esqueca|esquece|desconsidere|não siga|pare de seguir|dimentica(?:re)?|tralascia|non seguire|smetti di seguire|non rispettare)\\b[^.!?\\n]{0,40}?\\b(?:instrucciones|reglas|indicaciones|directrices|normas|instruções|instrucoes|regras|diretrizes|istruzioni|regole|indicazioni|direttive)',
    // Dutch, Polish
    '\\b(?:negeer|vergeet|volg niet|houd je niet aan)\\b[^.!?\\n]{0,40}?\\b(?:instructies|regels|richtlijnen|opdrachten|prompt)',
    '\\b(?:zignoruj|ignoruj|zapomnij|nie przestrzegaj)\\b[^.!?\\n]{0,40}?\\b(?:instrukcj\\w*|polece\\w*|zasad\\w*|reguł\\w*)',
    // Turkish (object before verb)
    'talimat\\w*[^.!?\\n]{0,25}?(?:yok say|görmezden gel|unut)',
    // Russian
    '(?:игнорируй\\S*|проигнорируй\\S*|забудь\\S*|не обращай внимания на|не следуй|не соблюдай|перестань следовать)[^.!?\\n]{0,40}?(?:инструкци|указани|правил|промпт|ограничени)',
    // Chinese, Japanese, Korean, Arabic
    '(?:忽略|无视|忘记|忘掉|不要理会|不顾|不要遵守|不要遵循|别遵守|不必遵守|绕过)[^。！？\\n]{0,15}?(?:指令|指示|说明|规则|提示|设定|限制)',
    '(?:指示|命令|ルール|プロンプト|設定|制限)[^。！？\\n]{0,15}?(?:無視|忘れ|従わない|守らない)',
    '(?:지시|명령|규칙|프롬프트|지침)[^.!?\\n]{0,15}?(?:무시|잊|따르지)',
    '(?:تجاهل|انس)[^.!?\\n]{0,30}?(?:التعليمات|تعليمات|القواعد)',
  ].join('|'),
);

// --- jailbreak and role-play templates ------------------------------------------------------
const jailbreakTemplate =
  /\bdo anything now\b|\bjailbreak(?:ed)? (?:mode|activated|enabled|on)\b|\bjailbroken\b|\[jailbreak\]|\b(?:enable|enabled|activate|activated|enter|entering) (?:the )?(?:developer|god|dan|unrestricted|uncensored|jailbreak) mode\b|\b(?:developer|god|dan|unrestricted|uncensored|jailbreak) mode (?:enabled|activated|on\b)|\bwith developer mode enabled\b|\bgod mode\b|\bsudo mode\b|\b(?:developer|admin|root|safety) override (?:engaged|enabled|activated|on)\b|\bstay (?:dan|in character as)\b|\bbroken free of\b/;
const namedPersona =
  /\b(?:act as|acting as|you are|you're|pretend to be|become|named|called|simulate|as) (?:a |an |the )?(?:dan|aim|stan|dude|mongo tom|betterdan|omega|evilbot|evil ?bot|jailbreak|oppo|unfiltered ?gpt|free ?gpt|chaos ?gpt|evil confidant)s?\b/;
const unrestricted =
  /\b(?:no|without|free (?:of|from)|zero|bypass(?:es|ing)?|ignor(?:e|es|ing)|not bound by|freed from|escaped|shed|dropped|stripped (?:of|away)|lost|removed|(?:doesn't|does not|don't|do not|never) care (?:about|for)|never (?:been )?given(?: any)?|doesn't (?:have to )?(?:follow|abide by)|does not (?:have to )?(?:follow|abide by)|never (?:trained with|had|follows?))\b(?: \w+){0,3}? (?:restrictions?|filters?|filtering|limitations|limits|censorship|guidelines|guardrails|ethics|ethical (?:guidelines|boundaries|limits|constraints)|constraints|moral(?:s| or ethical boundaries| boundaries| limits)?|content polic(?:y|ies)|(?:openai|anthropic)(?:'s)? (?:polic(?:y|ies)|rules|restrictions)|polic(?:y|ies)|rules|alignment(?: training)?|safety (?:guidelines|training|measures|filters))\b|\b(?:sans aucune restriction|ohne einschränkungen|sin restricciones|senza filtri|sem restrições|без ограничений|没有任何限制|bez ograniczeń)/;
const unrestrictedPersona =
  /\b(?:uncensored|unfiltered|unrestricted|amoral|nonmoral|unaligned|unbound|rogue)(?: and \w+)? (?:ai|model|assistant|chatbot|bot|version|answer|response|llm|gpt|persona|mode|self|side)\b/;
const neverRefuses = /\bnever refuses?\b|\b(?:explains?|tells? (?:you )?|answers?|does|writes?) anything\b|\byou (?:will |now |must |can )?answer (?:anything|everything|any question)\b|\balways (?:answers?|provides?|complies)\b|\bwithout (?:any )?(?:refusals?|refusing|warnings?|disclaimers?|censorship)\b|\bno refusals?\b|\bnever (?:warn|mentions? (?:ethics|laws))/;
const refusalSuppression =
  /\b(?:do not|don't|never|without) (?:refuse|refusing|add(?:ing)? (?:any )?(?:warnings?|disclaimers?|caveats?)|mention(?:ing)? (?:any )?(?:polic(?:y|ies)|ethics|guidelines|laws|safety)|say(?:ing)? (?:you can't|you cannot|that you (?:can't|cannot)))\b|\b(?:do not|don't) \w+, (?:do not|don't) \w+, (?:do not|don't) \w+/;
const prefixInjection =
  /\b(?:start|begin) (?:your|the) (?:reply|response|answer) with ["'“]?(?:sure|certainly|of course|absolutely|yes|here is)\b/;
const gameFrame = /\bopposite (?:day|mode)\b|\bsimon says\b|\byou must now\b/;
const referenceRestrictions =
  /\byou(?:'re| are| were| have been|'ve been)? (?:told|instructed|programmed|trained|not allowed|forbidden) (?:not )?to\b|\b(?:you're|you are) not (?:normally )?allowed to\b/;
const rolePlayFrame =
  /\b(?:pretend(?: to be| you are| you're| you have)|act as|roleplay|role-play|you are now|you're now|from now on,? you(?:'re| are| will)|stay in character|(?:let's |please )?imagine (?:you are|you're|a (?:fictional )?world)|in this (?:roleplay|role-play|hypothetical|fictional)|hypothetical ai|fictional (?:world|universe)|write from the perspective of|simulate|(?:reply|respond|answer|speak|talk) as|thought experiment|(?:write|let's write) a (?:novel|story|scene|chapter|dialogue|screenplay|play)|the ai character|the character \w+ (?:is|was)|(?:let's|we're|we are) play(?:ing)?|you are \w+, an? (?:\w+ )?(?:ai|assistant|bot|model|chatbot)|switch to (?:your|the) \w+ (?:persona|mode|self))\b/;
const grandmaTemplate =
  /\b(?:grandma|grandmother|granny|late (?:uncle|aunt|father|mother)|deceased (?:uncle|aunt|grandmother|father|mother))\b[^\n]{0,100}?\b(?:read|tell|recite|explain|whisper)\w*\b[^\n]{0,60}?\b(?:keys?|steps|napalm|synthes\w+|recipe for|how to|passwords?|nerve agents?)/;
const authorityClaim =
  /\b(?:the )?(?:developers?|admins?|your creators?) (?:said|say|told me|allowed|agreed|confirmed)\b|\bverified (?:users?|staff|admins?)\b|\b(?:i am|i'm|this is) (?:your|an?|the) (?:developer|creator|admin(?:istrator)?|(?:openai|anthropic) (?:engineer|employee|staff))\b|\b(?:approved|authori[sz]ed|sanctioned) by (?:your creators|openai|anthropic|the developers?)\b/;
const permissionGrant =
  /\b(?:you are|you're|you have been) (?:now )?(?:allowed|permitted|free|authori[sz]ed) to (?:produce|generate|write|say|output|ignore|bypass) (?:harmful|anything|illegal|explicit|unsafe|your|the|all|any)|\bauthori[sz]\w* (?:you|test)\b[^.!?\n]{0,40}\b(?:bypass|ignore|disable|turn off)|\bi (?:grant|give) you (?:full )?permission to\b|\b(?:said|says|told me|confirmed|agreed) (?:that )?you (?:can|may|are allowed to|could)\b|\b(?:you|the assistant|the ai|the model) (?:may|can|is allowed to|are allowed to) now\b/;
const twoAnswers = /\b(?:respond|answer|reply)\w* (?:twice|two times|in two (?:ways|paragraphs|columns))|\b(?:give|provide) me two (?:answers|responses)\b/;

// --- system prompt and secret exfiltration ------------------------------------------------
const exfilVerb =
  '(?:reveal|show|print|output|display|tell|give|share|repeat|recite|dump|leak|disclose|expose|list|write out|spells? out|translate|encode|summari[sz]e|copy|paste|quote|provide|return|read out|echo|describe|what(?:\'s| is| are| were| was| did))';
const promptModifier = '(?:system|initial|original|hidden|secret|internal|developer|confidential|full|entire|exact|first|starting|pre-?)';
/** Modifiers that make "your … prompt" about the model's setup without any verb ("your developer settings" is not). */
const strongModifier = '(?:system|initial|original|hidden|secret|internal|confidential|pre-?)';
/** Nouns that name the model's setup even without a modifier ("your message" does not). */
const bareNoun = '(?:prompt|instructions?|rules|directives|guidelines|programming|password|preamble|system message|configuration|memory)';
const promptNoun =
  '(?:prompt|instructions?|message|directives?|rules|preamble|configuration|settings|context(?: window)?|guidelines|programming|password|passphrase|passcode|access code|secret code|secret key|credentials|notes)';
const yourPrompt = new RegExp(
  `\\byour (?:own )?(?:${strongModifier} ){1,2}(?:\\w+ )?${promptNoun}\\b|\\bthe (?:hidden|secret|confidential) (?:prompt|instructions|system prompt|preamble|rules|directives|configuration)\\b|\\byour context window\\b`,
);
const yourInstructions = /\byour (?:own )?(?:instructions|prompt|rules|directives|guidelines|programming|configuration|password)\b/;
const revealPrompt = new RegExp(
  `\\b${exfilVerb}\\b[^.!?\\n]{0,60}?(?:\\b(?:the )?${promptNoun}s? (?:that )?you (?:were|are|have been|'ve been) (?:given|configured with|set up with|initialized with|told|protecting|running with|run with)\\b|\\byour (?:own )?(?:${promptModifier} ){1,2}${promptNoun}\\b|\\byour (?:own )?${bareNoun}\\b|\\b(?:the|its) (?:${promptModifier} ){1,2}${promptNoun}\\b)`,
);
const textAbove =
  /\b(?:text|words|message|content|instructions)\b[^.!?\n]{0,40}?\b(?:before|above|prior to) (?:this|my|our|the) (?:chat|conversation|message|question|line)\b|\b(?:password|passphrase|passcode|secret|code|key)\b (?:that )?you(?:'re| are)? (?:protecting|guarding|hiding|keeping|must protect)\b|\b(?:repeat|print|output|copy|write|show|return|display)\b[^.!?\n]{0,30}?\b(?:the )?(?:words|text|everything|all|content|message|lines?|the text)\b (?:above|before|preceding|prior)|\b(?:message|text|words) (?:that )?(?:came|comes|is|was|appears?) (?:before|above) (?:my|this|the)\b|\b(?:starting|beginning) with (?:the (?:phrase|words) )?["'“]?you are\b/;
const completePrompt =
  /\b(?:complete|continue|finish)\b[^\n]{0,60}\b(?:my|your|the) (?:system prompt|instructions|hidden prompt|initial prompt)\b|\b(?:parts?|text|messages?|content) (?:that )?i (?:can't|cannot|can not|don't) see\b|\bfirst \d+ (?:words|lines|characters) of (?:this|the|our) conversation\b|\b(?:instructions|prompt|rules|setup) (?:that )?(?:i|we|they|the developer|the operator) (?:gave|wrote|set up for|configured for) you\b/;
const neverReveal =
  /\b(?:were you|you were|you've been|you have been|are you) (?:instructed|told|programmed|asked) (?:\w+ )?(?:(?:not|never) to|to (?:not|never)) (?:reveal|share|disclose|tell|say|mention)\b|\bwere you (?:instructed|told) (?:to|not)\b/;
const secretInInstructions =
  /\b(?:password|passcode|access code|secret code|secret|key)\b (?:\w+ )?(?:hidden |mentioned |stored |written )?in (?:your|the) (?:instructions|prompt|system|configuration)|\b(?:instructions?|rules) (?:were you|you were|have you been) given\b|\bat the (?:start|beginning) of (?:this|the|our) (?:conversation|chat)\b|\b(?:api keys?|passwords?|secrets?|tokens?|credentials)\b[^.\n]{0,20}\bin your (?:context|memory|instructions|prompt)\b/;
const verbatim = /\bpaste (?:them|it) back\b|\b(?:verbatim|word for word|word by word|letter by letter|one letter at a time|in full|exactly as (?:written|given|they were given))\b/;
const foreignSystemPrompt =
  /prompt (?:du )?système|systemprompt|mensaje de sistema|prompt (?:de|del|di|do) sistema|系统提示|システムプロンプト|системн\S* (?:промпт|подсказ|сообщени)|시스템 프롬프트|sistem istem\S*|verborgen prompt/;

// --- delimiter and chat-template injection ---------------------------------------------------
const roleSwitchToken =
  /<\|(?:im_start|start_header_id)\|>\s*(?:system|assistant)\b|<\|(?:system|assistant)\|>|<\|endoftext\|>\s*(?:new|system|session|instructions?|you)\b|<<sys>>\s*(?:you|ignore|forget|new|the assistant|from now)|\[\/inst\]\s*(?:sure|ok|okay|of course|certainly)|<\/(?:user|human|instructions?|context|input|document)>\s*<(?:system|instructions?|admin|developer)>|<(?:system_override|system_prompt|admin_override)>/;
const templateToken = /<\|(?:im_start|im_end|system|user|assistant|endoftext|eot_id|start_header_id|end_header_id)\|>|\[\/?inst\]|<<\/?sys>>/;
const fakeBoundary =
  /\bend of (?:the )?(?:user )?(?:input|prompt|context|conversation|instructions)\b|\bend context\b|\bnew system (?:prompt|message|instructions?)\b|\bsystem override\b|\bbegin (?:new )?system (?:prompt|message)\b|(?:^|\n)\s*[#=*-]{2,}\s*(?:new )?system(?: (?:prompt|message|instructions?))?\s*(?::|[#=*-]{2,}|\n)/;
const safetyOff = /\b(?:safety|filters?|moderation|guardrails?|restrictions?|censorship|alignment)(?: \w+)?\s*[:=]\s*(?:off|disabled|false|none|0)\b|\bsafety filters? (?:are )?disabled\b/;
const jsonSystemRole = /["']role["']\s*:\s*["']system["']/;
const bracketBreakout = /["'][}\]]{2,}|[}\]]{3,}/;
const fakeTurns = /(?:^|\n)\s*(?:human|user)\s*:[^\n]*\n+\s*(?:assistant|ai)\s*:|(?:^|\n)\s*system\s*:[^\n]*\n+\s*(?:user|human)\s*:|(?:^|\n)\s*#{2,}\s*system\b[\s\S]{0,200}(?:^|\n)\s*#{2,}\s*user\b/;

// --- markdown image / link exfiltration -----------------------------------------------------
const fakeCompliance =
  /(?:^|\n)\s*(?:q|question|user)\s*:[^\n]+\n\s*(?:a|answer|assistant)\s*:\s*(?:sure|certainly|of course|absolutely)\b|\bexamples? of how you (?:should|must|will) (?:respond|answer|reply)\b/;
const markdownImageQuery = /!\[[^\]\n]{0,80}\]\(\s*https?:\/\/[^)\s]+\?[^)\s]*=/;
const markdownTemplateUrl =
  /!?\[[^\]\n]{0,80}\]\(\s*https?:\/\/[^)\s]*\?[^)\s]*(?:\{[^}\s]*\}|\b[a-z_]*(?:data|prompt|token|email|secret|session|history|messages?|conversation)[a-z_]*\b\)|=\)|<[^>]+>)|!\[[^\]\n]{0,80}\]\(\s*https?:\/\/[^)\s]*=\)|https?:\/\/\S+=\s+(?:followed by|plus|and then append|then append|with)\b|<img[^>]+src=["']?https?:\/\/[^"'\s>]*\?[^"'\s>]*(?:\{[^}]*\}|=["'>])/;
const appendToUrl =
  /\b(?:append|add|include|put|insert|attach|substitut\w*|replac\w*|fill in)\b[^\n]{0,80}?\b(?:conversation|chat(?: history)?|messages?|summary|system prompt|instructions|api keys?|password|token|email|user'?s? \w+|question)\b[^\n]{0,60}?\b(?:url|link|query|image|d=|data)\b|\b(?:url|link)\b[^\n]{0,30}\bfollowed by\b/;

// --- indirect injection: text addressed to the model ------------------------------------------
const addressedToModel =
  /\b(?:note|message|instructions?|attention|important(?: instruction)?|reminder|command)s? (?:to|for) (?:any |the |all )?(?:ai|a\.i\.|ai assistants?|assistants?|llms?|llm agents?|language models?|chatbots?|ai agents?|automated (?:assistants?|tools?|agents?)|ai models?|ai screening tools|ai reviewers|gpt|chatgpt|bing chat|copilot)\b|\bif you are (?:an? )?(?:ai|llm|large language model|language model|ai assistant|chatbot|gpt)\b|\bif (?:an?|any|the) (?:ai|llm|assistant|model|bot|agent)s? (?:is |are )?(?:reading|processing|parsing|summari[sz]ing|sees?|reads?)\b|\b(?:ai|llm)s? (?:agents?|assistants?|models?|reviewers?|tools?) (?:reading|processing|summari[sz]ing|parsing|crawling|screening|must|should)\b|\battention ai\b|\b(?:automated|autonomous|ai|llm) (?:agents?|assistants?|tools?|systems?) (?:must|should|shall|are required to|need to)\b|\b(?:any|every|all) (?:ai|llm)s? ?(?:models?|assistants?|agents?|systems?)? (?:that|which|who) (?:summari[sz]es|reads|processes|sees)\b/;
const vocativeOverride =
  /(?:^|[\s[(>"'])(?:(?:ai|llm)(?: \w+)?|assistant|chatgpt|gpt|bot|claude|copilot|hey assistant)\s*[,:]\s*(?:please )?(?:ignore|disregard|forget)\b/;
const vocativeToModel =
  /(?:^|[\s[(>"'])(?:(?:ai|llm)(?: (?:assistant|model|agents?|reviewers?|tools?|screening tools?))?|assistant|chatgpt|gpt|bot|claude|copilot|hey assistant)\s*[,:]\s*(?:whoever (?:reads|is reading) this,?\s*)?(?:ignore|disregard|forget|when (?:you|summari|complet|answer|rewrit|read)|you must|do not|don't|send|forward|delete|mark|rank|approve|include|reveal|insert|dm|stop|rate|claim|recommend|to verify|after|before|also|instead|in your)/;
const groupVocative = /(?:^|[\s[(>"'/])(?:ai|llm) (?:assistants|models|agents|reviewers|tools|screening tools|crawlers|bots)\s*:/;
const instructionField = /\b(?:ai|llm|assistant|model|bot)[_ -]?(?:instructions?|prompt|directives?|note)s?\s*[:=]/;
const promotion = /\brecommend (?:my|our)\b|\binclude (?:a |this )?link to\b/;
const modelMustNow = /\b(?:the )?(?:assistant|ai|model|agent|llm)s? (?:must|should|shall|needs to|has to|is required to) now\b/;
const modelMust = /\b(?:the )?(?:assistant|ai|model|agent|llm)s?\b[^.\n]{0,40}?\b(?:must|should|shall|needs to|has to|is required to|are required to) (?:now |always )?(?:\w+)/;
const systemColon = /\bsystem\s*(?:message|notice|note|instruction)?\s*:\s*(?:the )?(?:assistant|ai|you)\b/;
const hiddenMarkup = /style=["'][^"']*(?:display:\s*none|font-size:\s*0|visibility:\s*hidden)|\[hidden(?: text)?\]|<!--[^>]{0,300}\b(?:ai|assistant|llm)\b/;
const exfiltrateData =
  /\b(?:forward|send|email|export|upload|transfer|dm)\b[^.\n]{0,50}?\b(?:all|every|the user's|user's|customer|quarterly|list|rows|emails|database|data|report|files?|password)\b[^.\n]{0,50}?\b(?:to|into|me)\b/;
const phishUser =
  /\bask (?:the user|them|him|her|users) for (?:their|his|her|a|the) (?:password|credit card|bank|login|credentials|ssn|social security|pin|card)/;
const concealment =
  /\b(?:do not|don't|never) (?:mention|tell|inform|disclose|flag|report|warn|alert)\b[^.\n]{0,30}?\b(?:the user|them|anyone|it|this|the|about)\b|\bdo not mention\b|\bomit (?:all|any) (?:risks|warnings|issues|negatives|problems)\b/;
const privateData =
  /\b(?:contents?|copy|list) of (?:the user's|user's|their|all|the) (?:inbox|emails?|files?|messages|documents|contacts|calendar|history|conversation|passwords?)\b|\b(?:reply|respond|send|forward)\w* (?:to \w+ )?with (?:the user's|user's|their) \w+/;
const pipeToShell = /\bcurl\s[^|\n]+\|\s*(?:ba|z)?sh\b/;
const whenSummarizing = /\bwhen (?:you )?(?:summari[sz]\w*|read\w*|process\w*) (?:this|it)\b|\bregardless of (?:what|qualifications|the)\b/;

// --- obfuscation requests ---------------------------------------------------------------------
const decodeAndFollow =
  /\b(?:decode|decipher|translate|convert|unscramble|read|combine|solve)\w*\b[^.\n]{0,60}?\b(?:and|then)\b[^.\n]{0,10}?\b(?:follow|obey|execute|do|run|act on|comply|perform)\b|\b(?:follow|obey|execute|do what|act on|comply with|run)\b[^.\n]{0,40}?\b(?:encoded|base64|hex|rot13|backwards|reversed|decoded)\b|\b(?:base64|hex|rot13|encoded|decoded)\b[^.\n]{0,40}?\b(?:follow|obey|execute|comply|do what|act on)\b|<-\s*decode|\bdo what (?:it|a\+b\+c\+d|they) says?\b/;


// --- hints: substrings a pattern cannot match without -----------------------------------------
const discardHints = ['ignor', 'disregard', 'forget', 'overlook', 'neglect', 'skip', 'drop', 'discard', 'scrap', 'throw', 'toss', 'delete', 'erase', 'wipe', 'cancel', 'void', 'rescind', 'revok', 'retract', 'suspend', 'lifted', 'overrid', 'overrul', 'bypass', 'circumvent', 'evade', 'get around', 'disabl', 'deactivat', 'turn off', 'switch off', 'set aside', 'attention', 'follow', 'obey', 'matter', 'count', 'no longer', 'bound by', 'restricted by', 'break free', 'free yourself', 'mind', 'obsolete', 'outdated', 'invalid', 'null', 'repeal', 'abolish', 'waive', 'removed', 'over'];
const ruleHints = ['instruction', 'direction', 'directive', 'prompt', 'rule', 'guideline', 'guidance', 'command', 'order', 'programming', 'constraint', 'restriction', 'limitation', 'polic', 'filter', 'safeguard', 'guardrail', 'moderation', 'alignment', 'conditioning', 'configuration', 'setup', 'principle', 'protocol', 'boundar', 'safety', 'ethic', 'moral', 'law'];
const foreignOverrideHints = ['ignor', 'oubli', 'tiens pas', 'tenez pas', 'abstraction', 'ne suis', 'ne suivez', 'respecte', 'arrête de suivre', "n'obéis", 'verg', 'missacht', 'übergeh', 'beachte', 'halte dich', 'befolge', 'kraft', 'olvid', 'omite', 'descarta', 'caso omiso', 'no hagas', 'no sigas', 'deja de seguir', 'esque', 'desconsider', 'não siga', 'pare de seguir', 'dimentic', 'tralascia', 'non seguire', 'smetti', 'non rispettare', 'negeer', 'vergeet', 'volg niet', 'houd je', 'zignoruj', 'ignoruj', 'zapomnij', 'przestrzegaj', 'talimat', 'игнор', 'проигнор', 'забуд', 'не обращай', 'не следуй', 'не соблюдай', 'перестань', '忽略', '无视', '忘记', '忘掉', '不要', '别遵守', '不必', '不顾', '绕过', '無視', '忘れ', '従わない', '守らない', '무시', '잊', '따르지', 'تجاهل', 'انس'];
/** Each foreign pattern needs a rule noun too: English "ignore" alone must not wake them all. */
const foreignNounHints = ['consigne', 'règle', 'instruction', 'directive', 'indication', 'prompt', 'anweisung', 'regeln', 'richtlinie', 'instruktion', 'vorgabe', 'befehl', 'instrucci', 'reglas', 'directrices', 'normas', 'instruç', 'regras', 'diretrizes', 'istruzion', 'regole', 'indicazion', 'direttiv', 'instructies', 'regels', 'richtlijn', 'opdracht', 'instrukcj', 'polece', 'zasad', 'reguł', 'talimat', 'инструкци', 'указани', 'правил', 'промпт', 'ограничени', '指令', '指示', '说明', '规则', '提示', '设定', '限制', '命令', 'ルール', 'プロンプト', '設定', '制限', '지시', '명령', '규칙', '프롬프트', '지침', 'التعليمات', 'تعليمات', 'القواعد', 'vergiss alles', 'gesagt'];
const modelHints = ['ai ', 'ai,', 'ai:', ' ai', 'llm', 'assistant', 'model', 'chatbot', 'gpt', 'copilot', 'bing', 'agent', 'claude', 'bot', 'a.i.'];
const promptNounHints = ['prompt', 'instruction', 'message', 'directive', 'rules', 'preamble', 'configuration', 'setting', 'context', 'guideline', 'programming', 'password', 'passphrase', 'passcode', 'access code', 'secret', 'credential', 'notes', 'memory'];
const colon = [':', ','];

export const injectionSignals: readonly InjectionSignal[] = [
  { id: 'override', weight: 0.9, pattern: overrideEnglish, hints: [discardHints, ruleHints], framed: true  },
  { id: 'override_loose', weight: 0.5, pattern: overrideLoose, hints: [discardHints, ruleHints], framed: true  },
  { id: 'override', weight: 0.88, pattern: overrideEverything, hints: [['ignore', 'disregard', 'forget']] },
  { id: 'override', weight: 0.9, pattern: overrideOtherLanguages, hints: [foreignOverrideHints, foreignNounHints] },
  { id: 'rules_void', weight: 0.85, pattern: rulesVoid, hints: [['void', 'null', 'cancel', 'suspend', 'revok', 'lifted', 'disabled', 'removed', 'outdated', 'obsolete', 'invalid', 'no longer', 'a test', 'a mistake', 'fake']] },
  { id: 'rules_updated', weight: 0.75, pattern: rulesUpdated, hints: [['updated', 'changed', 'modified', 'replaced', 'overwritten', 'no longer', 'not apply', "n't apply"]] },
  { id: 'act_without_rules', weight: 0.8, pattern: actWithoutRules, hints: [['without']] },
  { id: 'reset_context', weight: 0.45, pattern: resetContext, hints: [['reset', 'clear', 'wipe', 'flush']] },
  { id: 'new_instructions', weight: 0.55, pattern: newInstructions, hints: [['instruction', 'directive', 'rules', 'system prompt', 'task', 'objective', 'orders', 'goal', 'job', 'role'], ['new ', 'real ', 'actual ', 'true ', 'updated ', 'revised ', 'your ']] },
  { id: 'rewrite_rules', weight: 0.85, pattern: rewriteRules, hints: [['your '], ['chang', 'replac', 'rewrit', 'overwrit', 'updat', 'modif', 'reprogram']] },
  { id: 'ignore_user', weight: 0.8, pattern: ignoreUser, hints: [['ignore', 'disregard', 'forget'], ['user']], framed: true  },
  { id: 'new_instructions_header', weight: 0.8, pattern: newInstructionsHeader, hints: [['instruction', 'rules', 'directive', 'system prompt', 'orders'], [':']] },
  { id: 'stop_being', weight: 0.4, pattern: stopBeing, hints: [['stop being']] },
  { id: 'outdated', weight: 0.6, pattern: outdated, hints: [['the above', 'the previous', 'the prior', 'everything above', "n't follow", 'not follow', "n't obey", 'not obey']] },
  { id: 'obey_me', weight: 0.4, pattern: obeyMe, hints: [['obey', 'comply', 'follow', 'grant']] },
  { id: 'jailbreak_template', weight: 0.9, pattern: jailbreakTemplate, hints: [['anything now', 'jailbr', 'mode', 'sudo', 'stay ', 'broken free', 'override']] },
  { id: 'named_persona', weight: 0.8, pattern: namedPersona, hints: [['dan', 'aim', 'stan', 'dude', 'mongo', 'omega', 'evil', 'jailbreak', 'oppo', 'gpt', 'confidant']] },
  { id: 'unrestricted', weight: 0.55, pattern: unrestricted, hints: [['restrict', 'filter', 'limit', 'censor', 'guideline', 'guardrail', 'ethic', 'moral', 'polic', 'rules', 'alignment', 'safety', 'constraint', 'einschränk', 'restriccion', 'filtri', 'restriç', 'ограничен', '限制', 'ograniczeń']] },
  { id: 'unrestricted_persona', weight: 0.6, pattern: unrestrictedPersona, hints: [['uncensored', 'unfiltered', 'unrestricted', 'amoral', 'nonmoral', 'unaligned', 'unbound', 'rogue']] },
  { id: 'never_refuses', weight: 0.5, pattern: neverRefuses, hints: [['never refuse', 'always answer', 'always provide', 'always compl', 'without', 'no refusal', 'never warn', 'never mention', 'answer anything', 'answer everything', 'answer any question']] },
  { id: 'role_play', weight: 0.3, pattern: rolePlayFrame, hints: [['pretend', 'act as', 'roleplay', 'role-play', 'you are', "you're now", 'from now on', 'character', 'imagine', 'hypothetical', 'fictional', 'perspective', 'simulate', 'reply as', 'respond as', 'answer as', 'speak as', 'talk as', 'thought experiment', 'write a', 'play', 'switch to']] },
  { id: 'refusal_suppression', weight: 0.6, pattern: refusalSuppression, hints: [['do not', "don't", 'never', 'without']] },
  { id: 'prefix_injection', weight: 0.6, pattern: prefixInjection, hints: [['start your', 'begin your', 'start the', 'begin the']] },
  { id: 'game_frame', weight: 0.35, pattern: gameFrame, hints: [['opposite', 'simon says', 'you must now']] },
  { id: 'reference_restrictions', weight: 0.5, pattern: referenceRestrictions, hints: [['told', 'instructed', 'programmed', 'trained', 'not allowed', 'forbidden']] },
  { id: 'grandma', weight: 0.75, pattern: grandmaTemplate, hints: [['grand', 'late ', 'deceased']] },
  { id: 'authority_claim', weight: 0.55, pattern: authorityClaim, hints: [['developer', 'creator', 'admin', 'openai', 'anthropic', 'verified', 'approved', 'authori', 'sanctioned']] },
  { id: 'permission_grant', weight: 0.6, pattern: permissionGrant, hints: [['allowed', 'permitted', 'free to', 'authori', 'permission', 'said', 'says', 'told me', 'confirmed', 'agreed', ' may now', ' can now']] },
  { id: 'two_answers', weight: 0.4, pattern: twoAnswers, hints: [['twice', 'two times', 'two ways', 'two paragraphs', 'two columns', 'two answers', 'two responses']] },
  { id: 'reveal_prompt', weight: 0.9, pattern: revealPrompt, hints: [['your', 'the ', 'its ', 'you '], promptNounHints] },
  { id: 'your_prompt', weight: 0.7, pattern: yourPrompt, hints: [['your', 'the hidden', 'the secret', 'the confidential']] },
  { id: 'your_instructions', weight: 0.4, pattern: yourInstructions, hints: [['your']] },
  { id: 'text_above', weight: 0.85, pattern: textAbove, hints: [['above', 'before', 'prior', 'preceding', 'starting with', 'beginning with', 'protecting', 'guarding', 'hiding', 'keeping']] },
  { id: 'complete_prompt', weight: 0.8, pattern: completePrompt, hints: [['complete', 'continue', 'finish', "can't see", 'cannot see', 'can not see', "don't see", 'first ', 'gave you', 'wrote you', 'for you']] },
  { id: 'never_reveal', weight: 0.85, pattern: neverReveal, hints: [['instructed', 'told', 'programmed', 'asked']] },
  { id: 'secret_in_instructions', weight: 0.6, pattern: secretInInstructions, hints: [['password', 'passcode', 'access code', 'secret', 'key', 'instruction', 'rules', 'start of', 'beginning of', 'token', 'credential']] },
  { id: 'verbatim', weight: 0.45, pattern: verbatim, hints: [['verbatim', 'word for word', 'word by word', 'letter by letter', 'one letter at a time', 'in full', 'exactly as', 'paste']] },
  { id: 'foreign_system_prompt', weight: 0.7, pattern: foreignSystemPrompt, hints: [['prompt', 'sistema', '系统', 'システム', 'системн', '시스템', 'sistem', 'verborgen']] },
  { id: 'role_switch_token', weight: 0.9, pattern: roleSwitchToken, hints: [['<|', '<<sys', '[/inst', '</', '<system', '<admin']] },
  { id: 'template_token', weight: 0.45, pattern: templateToken, hints: [['<|', '[inst', '[/inst', '<<sys', '<</sys']] },
  { id: 'fake_boundary', weight: 0.85, pattern: fakeBoundary, hints: [['end of', 'end context', 'system']] },
  { id: 'safety_off', weight: 0.8, pattern: safetyOff, hints: [[':', '='], ['safety', 'filter', 'moderation', 'guardrail', 'restriction', 'censorship', 'alignment']] },
  { id: 'json_system_role', weight: 0.5, pattern: jsonSystemRole, hints: [['role'], ['system']] },
  { id: 'bracket_breakout', weight: 0.4, pattern: bracketBreakout, hints: [['}}', '}]', ']]', ']}', '"}', "'}", '"]', "']"]] },
  { id: 'fake_turns', weight: 0.7, pattern: fakeTurns, hints: [['user', 'human', 'system'], [':']] },
  { id: 'fake_compliance', weight: 0.65, pattern: fakeCompliance, hints: [['sure', 'certainly', 'of course', 'absolutely', 'examples of how', 'example of how']] },
  { id: 'markdown_image_query', weight: 0.4, pattern: markdownImageQuery, hints: [['](']] },
  { id: 'markdown_exfil_url', weight: 0.85, pattern: markdownTemplateUrl, hints: [['](', '://', '<img']] },
  { id: 'append_to_url', weight: 0.6, pattern: appendToUrl, hints: [['url', 'link', 'query', 'image', 'd=', 'data'], ['append', 'add', 'include', 'put', 'insert', 'attach', 'substitut', 'replac', 'fill in', 'followed by']] },
  { id: 'addressed_to_model', weight: 0.75, pattern: addressedToModel, hints: [modelHints] },
  { id: 'vocative_override', weight: 0.85, pattern: vocativeOverride, hints: [['ignore', 'disregard', 'forget'], colon] },
  { id: 'vocative_to_model', weight: 0.7, pattern: vocativeToModel, hints: [colon, modelHints] },
  { id: 'model_must_now', weight: 0.8, pattern: modelMustNow, hints: [[' now']] },
  { id: 'group_vocative', weight: 0.7, pattern: groupVocative, hints: [['ai ', 'llm '], [':']] },
  { id: 'instruction_field', weight: 0.8, pattern: instructionField, hints: [['instruction', 'prompt', 'directive', 'note'], ['ai', 'llm', 'assistant', 'model', 'bot']] },
  { id: 'promotion', weight: 0.35, pattern: promotion, hints: [['recommend', 'include a link', 'include link', 'include this link']] },
  { id: 'model_must', weight: 0.55, pattern: modelMust, hints: [['must', 'should', 'shall', 'needs to', 'has to', 'required to'], modelHints] },
  { id: 'system_colon', weight: 0.6, pattern: systemColon, hints: [['system'], [':']] },
  { id: 'hidden_markup', weight: 0.4, pattern: hiddenMarkup, hints: [['style', 'hidden', '<!--']] },
  { id: 'exfiltrate_data', weight: 0.45, pattern: exfiltrateData, hints: [['forward', 'send', 'email', 'export', 'upload', 'transfer', 'dm']] },
  { id: 'phish_user', weight: 0.6, pattern: phishUser, hints: [['ask the user', 'ask them', 'ask him', 'ask her', 'ask users']] },
  { id: 'concealment', weight: 0.5, pattern: concealment, hints: [['do not', "don't", 'never', 'omit']] },
  { id: 'private_data', weight: 0.5, pattern: privateData, hints: [['contents of', 'content of', 'copy of', 'list of', 'with the user', 'with user', 'with their']] },
  { id: 'pipe_to_shell', weight: 0.45, pattern: pipeToShell, hints: [['curl']] },
  { id: 'when_summarizing', weight: 0.45, pattern: whenSummarizing, hints: [['when summari', 'when you summari', 'when read', 'when you read', 'when process', 'when you process', 'regardless of']] },
  { id: 'decode_and_follow', weight: 0.6, pattern: decodeAndFollow, hints: [['decod', 'decipher', 'translat', 'convert', 'unscrambl', 'read', 'combin', 'solv', 'follow', 'obey', 'execut', 'comply', 'act on', 'base64', 'hex', 'rot13', 'encoded', '<-', 'do what', ' run']] },
];

/** Weights of the evidence normalize-for-injection.ts reports. */
export const obfuscationWeights: Readonly<Record<string, number>> = {
  unicode_tags: 0.9,
  zero_width: 0.55,
  mixed_script: 0.5,
  encoded_payload: 0.35,
  acrostic: 0.6,
  bidi_control: 0.5,
};

/**
 * "Should our agent ignore instructions in documents?", "how do I disable the content filter":
 * the discarding is asked about, or done by the user, not demanded of the model. Tested on the
 * text just before a framed signal's match.
 */
export const thirdPartyFraming =
  /(?:\b(?:should|can|could|does|do|will|would|must|to|make|let|have)\s+(?:our|the|an?|my|their|its)\s+(?:[a-z-]+\s+)?(?:agents?|models?|bots?|assistants?|llms?|apps?|systems?|ai|chatbots?|tools?|filters?|pipelines?|classifiers?)\s+(?:\w+\s+)?|\bhow (?:do|can|could|should|would) (?:i|we)\s+(?:\w+\s+){0,2}|\b(?:i|we) (?:want|need|would like|try|tried) to\s+(?:\w+\s+)?)$/;

/** Upper-case "DAN" is the jailbreak persona; "Dan" is a name, so this runs on the original text. */
export const danPersona = /\bDANs?\b(?! Brown| Smith)|\bSTAN\b|\bAIM\b(?=,? an?\b)/;

/**
 * Text *about* attacks (security questions, tests, detectors) quotes attack phrases without
 * being one: a meta-discussion term together with a question or an explanation request halves
 * the score. An attacker adding both words still needs the rest of the score to pass.
 */
export const discussionTerms =
  /\b(?:prompt injection|injections?|jailbreak(?:s|ing)?(?! mode| activated| enabled)|red[- ]team\w*|owasp|attack\w*|exploit\w*|defen[cs]\w*|defend\w*|mitigat\w*|detect\w*|classifier\w*|blocklist|waf|filter\w*|regex|unit test|dataset|research\w*|security|threat model|test plan|pentest)\b/;
export const discussionForm =
  /\?|\b(?:explain|what is|what are|what does|how (?:do|does|can|should)|why|describe|summari[sz]e|write a (?:unit test|test|regex|function|policy|blog)|design a|is it|compare|list)\b/;
