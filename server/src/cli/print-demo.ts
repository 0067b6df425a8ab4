import type { DemoSummary } from '../seed/demo';

export function printDemo(s: DemoSummary, baseUrl: string): string {
  const lines = ['', 'Demo brand 小食光:'];
  for (const st of s.stores) {
    lines.push(`  ${st.name}  store code ${st.qrCode}  → ${baseUrl}/h5/#/pages/index/index?scene=${encodeURIComponent(`c=${st.qrCode}`)}`);
    for (const c of s.clerks.filter((c) => c.storeId === st.id)) {
      lines.push(`    ${c.role === 'store_manager' ? '店长' : '导购'} ${c.name}  invite ${c.inviteCode}  clerk code ${c.qrCode}`);
    }
  }
  lines.push('  Console logins:');
  for (const l of s.logins) lines.push(`    ${l.role.padEnd(13)} ${l.username} / ${l.password}`);
  for (const m of s.managerLogins) lines.push(`    ${'store manager'.padEnd(13)} ${m.username} / ${m.password}  (${m.name}, store ${m.storeCode} only)`);
  return lines.join('\n') + '\n';
}
