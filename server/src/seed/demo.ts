import crypto from 'node:crypto';
import type { Ctx } from '../context';
import { createProduct } from '../modules/catalogue/catalogue.service';
import { batchQrCodes, scheduleQrCodeTag } from '../modules/qr-code/qr-code.service';
import { createStaff } from '../modules/staff/staff.service';
import { Store } from '../modules/store/store.entity';
import { createStore } from '../modules/store/store.service';
import { createTag } from '../modules/tag/tag.service';

export interface DemoSummary {
  created: boolean;
  stores: { id: number; name: string; storeCode: string; qrCode: string }[];
  clerks: { id: number; name: string; storeId: number; role: string; inviteCode: string | null; qrCode: string | null }[];
  logins: { username: string; password: string; role: string }[];
  /** The store managers' console logins (each sees only their store). */
  managerLogins: { username: string; password: string; name: string; storeCode: string }[];
}

const DAY = 86_400_000;

/**
 * The demo brand: 3 stores, 2 clerks and a manager each, store and clerk codes with tag schedules
 * (the store poster says 坚果 this week and 肉脯 from next week), tags, and products with member prices.
 * Runs once: if store DEMO01 exists it changes nothing.
 */
/**
 * The demo store managers' console password (usernames manager01…03). Derived from the admin's, which comes from
 * the dev secrets file (or DEMO_ADMIN_PASSWORD): stable across starts, secret like it, and no new field for
 * existing data/dev-secrets.json files to lack.
 */
export function demoManagerPassword(adminPassword: string): string {
  return crypto.createHmac('sha256', adminPassword).update('o2o demo store manager').digest('base64url').slice(0, 14);
}

export async function seedDemo(ctx: Ctx, passwords: { admin: string; marketer: string; manager?: string }): Promise<DemoSummary> {
  const exists = await ctx.db.read((em) => em.getRepository(Store).existsBy({ code: 'DEMO01' }));
  if (exists) return { created: false, stores: [], clerks: [], logins: [], managerLogins: [] };
  const now = ctx.clock.now();

  const tags = {
    nuts: await createTag(ctx, { name: '坚果', group: 'category' }),
    meat: await createTag(ctx, { name: '肉脯', group: 'category' }),
    fruit: await createTag(ctx, { name: '果干', group: 'category' }),
    storeChannel: await createTag(ctx, { name: '门店码', group: 'channel' }),
    clerkChannel: await createTag(ctx, { name: '导购码', group: 'channel' }),
  };

  const storeDefs = [
    { code: 'DEMO01', name: '小食光·光谷店', city: '武汉', region: '华中一区', address: '光谷步行街 1 号' },
    { code: 'DEMO02', name: '小食光·江汉路店', city: '武汉', region: '华中一区', address: '江汉路 88 号' },
    { code: 'DEMO03', name: '小食光·楚河汉街店', city: '武汉', region: '华中二区', address: '楚河汉街 16 号' },
  ];
  const clerkNames = [
    ['王芳', '李娜', '周店长'],
    ['张伟', '刘洋', '吴店长'],
    ['陈静', '杨磊', '郑店长'],
  ];
  const summary: DemoSummary = { created: true, stores: [], clerks: [], logins: [], managerLogins: [] };
  const managerPassword = passwords.manager ?? demoManagerPassword(passwords.admin);
  for (const [i, def] of storeDefs.entries()) {
    const store = await createStore(ctx, def);
    for (const [j, name] of clerkNames[i].entries()) {
      const role = j === 2 ? 'store_manager' : 'clerk';
      // Store managers use the console too (their store only): each gets a login.
      const login = role === 'store_manager' ? { username: `manager0${i + 1}`, password: managerPassword } : null;
      const { staff, inviteCode } = await createStaff(ctx, { name, role, storeId: store.id, ...login } as never);
      if (login) summary.managerLogins.push({ ...login, name, storeCode: def.code });
      summary.clerks.push({ id: staff.id, name, storeId: store.id, role, inviteCode, qrCode: null });
    }
    summary.stores.push({ id: store.id, name: store.name, storeCode: def.code, qrCode: '' });
  }
  await createStaff(ctx, { name: '品牌管理员', role: 'admin', username: 'admin', password: passwords.admin } as never);
  await createStaff(ctx, { name: '市场部', role: 'marketer', username: 'marketer', password: passwords.marketer } as never);
  summary.logins.push({ username: 'admin', password: passwords.admin, role: 'admin' }, { username: 'marketer', password: passwords.marketer, role: 'marketer' });

  const admin = 0; // schedules created by the seed carry no staff id
  const codes = await batchQrCodes(ctx, { includeClerks: true }, { prefetchImages: false });
  for (const qr of codes.items) {
    if (qr.ownerType === 'store') {
      summary.stores.find((s) => s.id === qr.storeId)!.qrCode = qr.code;
      await scheduleQrCodeTag(ctx, qr.id, { tagId: tags.storeChannel.id, validFrom: iso(now.getTime() - 30 * DAY) }, admin);
      await scheduleQrCodeTag(ctx, qr.id, { tagId: tags.nuts.id, validFrom: iso(now.getTime() - 7 * DAY) }, admin);
      // next week the poster changes to meat snacks: the nuts schedule closes where this one starts
      await scheduleQrCodeTag(ctx, qr.id, { tagId: tags.meat.id, validFrom: iso(now.getTime() + 7 * DAY), replace: true }, admin);
    } else {
      summary.clerks.find((c) => c.id === qr.staffId)!.qrCode = qr.code;
      await scheduleQrCodeTag(ctx, qr.id, { tagId: tags.clerkChannel.id, validFrom: iso(now.getTime() - 30 * DAY) }, admin);
      await scheduleQrCodeTag(ctx, qr.id, { tagId: tags.fruit.id, validFrom: iso(now.getTime() - 7 * DAY) }, admin);
    }
  }

  const products = [
    { sku: 'NUT-001', name: '每日坚果 25g', category: '坚果', priceFen: 390, memberPriceFen: 190, memberPoints: 6 },
    { sku: 'NUT-002', name: '碧根果 120g', category: '坚果', priceFen: 2990, memberPriceFen: 2490, memberPoints: 20 },
    { sku: 'MEAT-001', name: '猪肉脯 100g', category: '肉脯', priceFen: 1990, memberPriceFen: 1590, memberPoints: 20 },
    { sku: 'MEAT-002', name: '牛肉粒 80g', category: '肉脯', priceFen: 2590 },
    { sku: 'FRUIT-001', name: '芒果干 108g', category: '果干', priceFen: 1290, memberPriceFen: 990, memberPoints: 10 },
    { sku: 'DRINK-001', name: '椰子水 330ml', category: '饮料', priceFen: 590 },
    // 会员价送积分: the member pays the member price and is given points when the sale is paid.
    { sku: 'NUT-003', name: '夏威夷果 500g', category: '坚果', priceFen: 3990, memberPriceFen: 2990, memberPointsGiven: 30 },
    { sku: 'GIFT-001', name: '坚果礼盒 1.2kg', category: '礼盒', priceFen: 12900, memberPriceFen: 9900, memberPointsGiven: 50 },
  ];
  for (const p of products) await createProduct(ctx, p);
  return summary;
}

const iso = (ms: number) => new Date(ms).toISOString();
