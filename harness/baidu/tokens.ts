// Baidu's access and refresh tokens (reference §0.2): `<type>.<32 hex>.<lifetime s>.<expiry s>.<tail>`, the type
// saying which kind (JAVA AccessTokenEnum). The emulator mints tokens in this shape, and the emulator's ledger and the
// reporter find tokens by it — one definition, so the three cannot drift apart.

export const TOKEN_KINDS = { 42: 'tpAccessToken', 45: 'authorizerAccessToken', 46: 'refreshToken' } as const;
export type TokenType = keyof typeof TOKEN_KINDS;

/** The ledger's name for what a token is (tpAccessToken, authorizerAccessToken, refreshToken), from its shape. */
export function tokenKind(value: string): string | undefined {
  const type = /^(4[256])\.[0-9a-f]{32}\./.exec(value)?.[1] as TokenType | undefined;
  return type && TOKEN_KINDS[type];
}

/** A token anywhere in a text, whole; group 1 is its type. Global, for String.prototype.replace. */
export const TOKEN_SHAPE = /\b(4[256])\.[0-9a-f]{32}\.\d+\.\d+\.[\w-]+/g;

export function formatToken(type: TokenType, hex32: string, lifetimeS: number, expiresAtS: number, tail: string): string {
  return `${type}.${hex32}.${lifetimeS}.${expiresAtS}.${tail}`;
}
