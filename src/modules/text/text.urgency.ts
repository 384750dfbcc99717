/**
 * Urgency: whether a text needs a person soon, with the reasons. Rules, not a model: each reason is a short list of
 * patterns that CX teams recognise (a threat to leave, a complaint to a regulator, repeated contact, safety), so a
 * flag can always be explained to the agent who gets the case.
 */

export type UrgencyReason = 'churn_threat' | 'regulator_complaint' | 'repeated_contact' | 'safety';

const RULES: readonly { reason: UrgencyReason; patterns: readonly RegExp[] }[] = [
  {
    reason: 'churn_threat',
    patterns: [
      /销户|注销|携号转网|转网|退网|换运营商|换个运营商|换(?:成|到|去)?(?:移动|联通|电信|广电)|不再使用|再也不(?:用|来|买|会)|取消(?:套餐|业务|服务|账户|会员)|退订|解约|不用你们/,
      /\b(?:cancel(?:l?ing|l?ed)?|terminat(?:e|ing)|clos(?:e|ing)) (?:my |the |our )?(?:account|service|subscription|contract|plan|line)s?\b/,
      /\bswitch(?:ing)? (?:to (?:another|a different|a new)|carrier|provider|bank|network)|\bport(?:ing)? (?:my number )?out\b/,
      /\b(?:i|we)(?:'m| am|'ll| will| are| want to| wanna)? (?:going to |gonna )?(?:leav(?:e|ing) (?:you|your|this|for)\b|cancel(?:l?ing)?\b)/,
      /\bnever (?:use|buy|order|come back|recommend)\b|\blosing (?:a|me as a) customer\b/,
    ],
  },
  {
    reason: 'regulator_complaint',
    patterns: [
      /工信部|(?<!\d)(?:12315|12321|12345|12378)(?!\d)|消协|消费者协会|银保监|银监|保监|金融监管|证监|人民银行|通管局|通信管理局|市场监管|工商局|媒体曝光|曝光你们|律师|起诉|法院|仲裁|3\.15|3·15/,
      /\b(?:fcc|cfpb|ftc|bbb|ofcom|occ|finra|sec|better business bureau|attorney general|ombudsman|regulator|lawyer|attorney|lawsuit|small claims)\b|\b(?:sue|suing)\b|\blegal action\b|\breport(?:ing)? (?:you|this|them) to\b/,
    ],
  },
  {
    reason: 'repeated_contact',
    patterns: [
      /第(?:[二三四五六七八九十]|\d+)次|又一次|再次投诉|多次|反复|屡次|三番五次|好几次|几次三番|n次|无数次|打了(?:[二三四五六七八九十几好多]|\d+)+(?:次|遍|个电话)|一直(?:没|未)(?:解决|处理|人管|回复)|还是没(?:解决|处理|人管)/,
      /\bagain and again\b|\bover and over\b|\b(?:second|third|fourth|fifth|\d+(?:st|nd|rd|th)) time\b|\b(?:multiple|several|many|countless|numerous) (?:times|calls|emails)\b|\brepeatedly\b|\bstill (?:not|hasn't|haven't|isn't|no) (?:been )?(?:fixed|resolved|solved|working|refunded|answer)|\bcalled (?:\w+ )?(?:\d+|three|four|five|six|ten) times\b|\bkeep (?:calling|having to)\b/,
    ],
  },
  {
    reason: 'safety',
    patterns: [
      /安全隐患|爆炸|起火|着火|失火|冒烟|触电|漏电|受伤|烫伤|中毒|食物中毒|人身安全|生命危险|自杀|救命|危及|异物|吃出/,
      /\b(?:fire|explod(?:e|ed|ing)|explosion|electric shock|electrocut\w*|injur\w*|poison\w*|food poisoning|unsafe|hazard\w*|suicid\w*|emergency|choking|dangerous)\b/,
    ],
  },
];

/** Urgency reasons found in a normalised (lower-cased) text, each at most once, in a fixed order. */
export function urgencyReasons(normalized: string): UrgencyReason[] {
  const out: UrgencyReason[] = [];
  for (const rule of RULES) {
    if (rule.patterns.some((p) => p.test(normalized))) out.push(rule.reason);
  }
  return out;
}
