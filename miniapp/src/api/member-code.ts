import type { MemberCodeView } from '@o2o/shared';
import { request } from './request';

/** `GET /api/app/member-code`: the current 18-digit member code (QR and Code 128), rotating every window. */
export async function getMemberCode(): Promise<MemberCodeView> {
  return request<MemberCodeView>('/api/app/member-code');
}
