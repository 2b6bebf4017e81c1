// Permission sets (权限集) as data. Baidu has no official ids (reference §7.3): `auth_info` names a set by its
// Chinese scope_name only, so the Chinese name is the wire identity and the slug is ours.
export interface PermissionSet {
  slug: string;
  zh: string;
  en: string;
  /** Baidu's 全网发布 detection checks this set (reference §7.1.3–4). */
  baiduDetected: boolean;
  /** Other names Baidu's own documents use for the set (reference §7.3): accepted wherever a set is named. */
  aliases?: readonly string[];
  /** 0 = mini-program dimension, 1 = account dimension (auth_info.type). */
  dimension: 0 | 1;
  /**
   * The files under suites/ that mirror the set: its checks, and the setup step where the TP acts first (sets without
   * a suite yet report "no check ran").
   */
  suite?: {
    spec: string;
    setup?: string;
    /** Its checks are live requests to the TP's URLs: they need no authorized app (a rerun of them skips the scan). */
    withoutApp?: true;
  };
}

export const PERMISSION_SETS: readonly PermissionSet[] = [
  { slug: 'development', zh: '开发管理权限', en: 'Development management', baiduDetected: true, dimension: 0, suite: { spec: 'development.spec.ts', setup: 'development.setup.ts' } },
  { slug: 'customer-service', zh: '客服能力权限', en: 'Customer-service capability', aliases: ['客服权限'], baiduDetected: true, dimension: 0, suite: { spec: 'customer-service.spec.ts', withoutApp: true } },
  { slug: 'payment', zh: '支付服务权限', en: 'Payment service', baiduDetected: true, dimension: 0, suite: { spec: 'payment.spec.ts', setup: 'payment.setup.ts' } },
  { slug: 'basic-info', zh: '基本信息设置权限', en: 'Basic-information settings', baiduDetected: false, dimension: 0, suite: { spec: 'operations.spec.ts', setup: 'operations.setup.ts' } },
  { slug: 'data', zh: '数据权限', en: 'Data analysis', baiduDetected: false, dimension: 0, suite: { spec: 'data-analysis.spec.ts', setup: 'data-analysis.setup.ts' } },
  { slug: 'account', zh: '账号管理权限', en: 'Account management', baiduDetected: false, dimension: 1 },
  { slug: 'promotion', zh: '推广权限', en: 'Promotion', baiduDetected: false, dimension: 0 },
];

/** The default selection: the three sets Baidu's detection looks at. */
export const DEFAULT_PERMISSION_SETS = PERMISSION_SETS.filter((s) => s.baiduDetected).map((s) => s.slug);

/** The authorization chain is not a permission set but every set stands on it; reports list it first. */
export const AUTHORIZATION_STAGE = { slug: 'authorization', zh: '授权流程', en: 'Authorization chain' } as const;

export function permissionSet(slugOrName: string): PermissionSet | undefined {
  const key = slugOrName.trim();
  return PERMISSION_SETS.find((s) => s.slug === key.toLowerCase() || s.zh === key || !!s.aliases?.includes(key));
}

export function bySlug(slug: string): PermissionSet {
  const s = PERMISSION_SETS.find((p) => p.slug === slug);
  if (!s) throw new Error(`unknown permission set slug ${slug}`);
  return s;
}
