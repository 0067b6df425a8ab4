import { posterOwnerLine } from '../../src/modules/qr-code/poster-pdf';

/** The line under the store's name on a printed poster: who the customer will be bound to. */
describe('poster owner line', () => {
  it('names a clerk code by its owner role and a store code as the store’s', () => {
    expect(posterOwnerLine({ clerkName: '王芳', clerkRole: 'clerk' })).toBe('专属导购 · 王芳');
    expect(posterOwnerLine({ clerkName: '周店长', clerkRole: 'store_manager' })).toBe('专属店长 · 周店长');
    expect(posterOwnerLine({ clerkName: null, clerkRole: null })).toBe('门店会员码');
    // an owner row without a role (never written today) still reads as a clerk code
    expect(posterOwnerLine({ clerkName: '李娜', clerkRole: null })).toBe('专属导购 · 李娜');
  });
});
