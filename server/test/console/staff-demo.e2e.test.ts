import { describeEachDb } from '../helpers/harness';
import { bearer } from '../helpers/flows';
import { printDemo } from '../../src/cli/print-demo';
import { demoManagerPassword, seedDemo } from '../../src/seed/demo';

describeEachDb('demo seed: store managers get a console login scoped to their store', (get) => {
  it('each demo store manager signs in with the printed password and sees only their own store', async () => {
    const h = get();
    const summary = await seedDemo(h.ctx, { admin: 'demo-admin-password', marketer: 'demo-marketer-password' });
    const managers = summary.managerLogins;
    expect(managers.map((m) => m.username)).toEqual(['manager01', 'manager02', 'manager03']);
    expect(new Set(managers.map((m) => m.password))).toEqual(new Set([demoManagerPassword('demo-admin-password')]));
    expect(printDemo(summary, 'http://x')).toContain(`manager01 / ${managers[0].password}`);

    const login = await h.http.post('/api/admin/session').send({ username: 'manager02', password: managers[1].password });
    expect(login.status).toBe(200);
    expect(login.body.staff).toMatchObject({ role: 'store_manager', name: '吴店长' });
    const stores = await h.http.get('/api/admin/stores').set(bearer(login.body.token));
    expect(stores.body.items.map((s: { code: string }) => s.code)).toEqual(['DEMO02']);
    // clerks of the demo have no console login
    const clerk = summary.clerks.find((c) => c.role === 'clerk')!;
    expect(clerk.inviteCode).toBeTruthy();
  });
});
