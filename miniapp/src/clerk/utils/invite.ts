const INVITE = /^[A-Za-z0-9]{6,32}$/;

/**
 * The invite code in what a scan or a paste gave: the bare code, or a link / query carrying
 * `invite=` or `inviteCode=`. Null when there is none (the input then stays as the clerk typed it).
 */
export function parseInviteCode(text: string | null | undefined): string | null {
  const t = (text ?? '').trim();
  if (INVITE.test(t)) return t;
  const m = /(?:^|[?&#])invite(?:Code)?=([A-Za-z0-9]{6,32})(?:$|[&#])/.exec(t);
  return m ? m[1] : null;
}

export const isInviteCode = (text: string) => INVITE.test(text);
