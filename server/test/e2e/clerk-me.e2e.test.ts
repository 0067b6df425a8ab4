import { describeEachDb } from '../helpers/harness';
import { bearer } from '../helpers/flows';
import { makeStaff, makeStore, staffToken } from '../helpers/fixtures';

describeEachDb('clerk workbench: me with store, my QR code', (get) => {
  it('returns the store name with the staff record, and one stable personal code per clerk', async () => {
    const h = get();
    const store = await makeStore(h, '光谷店');
    const { staff } = await makeStaff(h, 'clerk', store.id);
    const token = staffToken(h, staff.id);
    const me = await h.http.get('/api/clerk/me').set(bearer(token));
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ staff: { id: staff.id }, store: { id: store.id, name: '光谷店' } });

    const first = await h.http.get('/api/clerk/qr-code').set(bearer(token));
    expect(first.status).toBe(200);
    expect(first.body.qrCode).toMatchObject({ ownerType: 'clerk', storeId: store.id, staffId: staff.id, status: 'active' });
    const again = await h.http.get('/api/clerk/qr-code').set(bearer(token));
    expect(again.body.qrCode.id).toBe(first.body.qrCode.id);
    const img = await h.http.get(first.body.qrCode.imageUrl.replace(h.baseUrl, ''));
    expect(img.status).toBe(200);
    expect(img.headers['content-type']).toMatch(/image\/png/);

    const other = await makeStaff(h, 'clerk', store.id);
    const theirs = await h.http.get('/api/clerk/qr-code').set(bearer(staffToken(h, other.staff.id)));
    expect(theirs.body.qrCode.id).not.toBe(first.body.qrCode.id);
  });
});
