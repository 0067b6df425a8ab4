import { DrawerForm, ProFormDependency, ProFormDigit, ProFormRadio, ProFormText, type ProFormInstance } from '@ant-design/pro-components';
import { App, AutoComplete, Col, Form, InputNumber, Row, Typography } from 'antd';
import { MEMBER_PRICE_RULE, parseYuan, ZCreateProductBody, ZUpdateProductBody, type CategoryView, type ConsoleProductView, type TCreateProductBody, type TUpdateProductBody } from '@o2o/shared';
import { useRef, type ReactNode } from 'react';
import { createProduct, updateProduct } from '../../api/products';
import { ApiError } from '../../api/request';
import { zodRule } from '../../components/zod-rules';
import { yuan } from '../orders/format';
import { memberPriceKind, memberPriceText } from './format';

/**
 * The member price as the form asks for it: one type, so the form cannot express a price that both spends and gives
 * points. 现金+积分 with 0 points is a cash-only member price.
 */
export type MemberPriceType = 'none' | 'spend' | 'give';

/** The form's values: money in yuan as typed (text: cents stay exact), points as numbers. */
export interface ProductFormValues {
  sku?: string;
  name?: string;
  category?: string;
  price?: string | null;
  memberPriceType: MemberPriceType;
  memberPrice?: string | null;
  memberPoints?: number | null;
  memberPointsGiven?: number | null;
}

export const PRODUCT_FORM_DEFAULTS: ProductFormValues = { memberPriceType: 'none', memberPoints: 0 };

/** A product's values in the form (editing). */
export function valuesOf(p: ConsoleProductView): ProductFormValues {
  const kind = memberPriceKind(p);
  return {
    sku: p.sku,
    name: p.name,
    category: p.category,
    price: (p.priceFen / 100).toFixed(2),
    memberPriceType: kind === 'none' ? 'none' : kind === 'give' ? 'give' : 'spend',
    memberPrice: p.memberPriceFen === undefined ? null : (p.memberPriceFen / 100).toFixed(2),
    memberPoints: p.memberPoints ?? 0,
    memberPointsGiven: p.memberPointsGiven ?? null,
  };
}

/** Yuan text → fen; NaN when it is not an amount (the schema then names the field). */
const fen = (v: string | number | null | undefined): number | undefined => {
  if (v === undefined || v === null || v === '') return undefined;
  try {
    return parseYuan(String(v));
  } catch {
    return Number.NaN;
  }
};
const int = (v: number | null | undefined) => (v === undefined || v === null ? undefined : Number(v));

/**
 * The POST body the form describes: only the fields of the chosen member price type go in (points typed before
 * switching type are not sent), so the body spends points or gives them, never both.
 */
export function createBodyOf(v: ProductFormValues): Record<string, unknown> {
  const b: Record<string, unknown> = { sku: v.sku?.trim() ?? '', name: v.name?.trim() ?? '', category: v.category?.trim() ?? '', priceFen: fen(v.price) };
  if (v.memberPriceType === 'spend') Object.assign(b, { memberPriceFen: fen(v.memberPrice), memberPoints: int(v.memberPoints) ?? 0 });
  if (v.memberPriceType === 'give') Object.assign(b, { memberPriceFen: fen(v.memberPrice), memberPointsGiven: int(v.memberPointsGiven) });
  return Object.fromEntries(Object.entries(b).filter(([, x]) => x !== undefined));
}

/**
 * The PATCH body: the whole price as the form shows it. The type not chosen is cleared (null / 0), so switching a
 * member price from spending points to giving them is one request the server judges on the result.
 */
export function updateBodyOf(v: ProductFormValues): Record<string, unknown> {
  const b: Record<string, unknown> = { name: v.name?.trim() ?? '', category: v.category?.trim() ?? '', priceFen: fen(v.price) };
  if (v.memberPriceType === 'none') b.memberPriceFen = null;
  if (v.memberPriceType === 'spend') Object.assign(b, { memberPriceFen: fen(v.memberPrice), memberPoints: int(v.memberPoints) ?? 0, memberPointsGiven: null });
  if (v.memberPriceType === 'give') Object.assign(b, { memberPriceFen: fen(v.memberPrice), memberPoints: 0, memberPointsGiven: int(v.memberPointsGiven) });
  return Object.fromEntries(Object.entries(b).filter(([, x]) => x !== undefined));
}

/** The body's fields → the form's. */
const FIELD_OF: Record<string, keyof ProductFormValues> = { priceFen: 'price', memberPriceFen: 'memberPrice' };
/** What the operator reads for a rule the schema or the server refused (by rule, then by field). */
const RULE_MESSAGE: Record<string, string> = {
  [MEMBER_PRICE_RULE.spentAndGiven]: '会员价只能二选一：现金+积分，或现金送积分',
  [MEMBER_PRICE_RULE.pointsNeedPrice]: '请填写会员价',
  [MEMBER_PRICE_RULE.aboveSalePrice]: '会员价不能高于售价',
};
const FIELD_MESSAGE: Record<string, string> = {
  sku: '字母、数字、- 或 _，最长 32 位',
  name: '请填写商品名称（64 字以内）',
  category: '请填写品类（32 字以内）',
  priceFen: '请填写大于 0 的售价',
  memberPriceFen: '请填写会员价',
  memberPoints: '所需积分为 0–1000000 的整数',
  memberPointsGiven: '赠送积分为 1–1000000 的整数',
};

type FieldErrors = { name: (keyof ProductFormValues)[]; errors: string[] }[];

/** Issues (from the schema or the server's `details`) as `form.setFields` entries, one per field. */
function fieldErrors(issues: { path: string; message: string }[]): FieldErrors {
  const out = new Map<keyof ProductFormValues, string>();
  for (const i of issues) {
    const top = i.path.split('.')[0];
    const field = FIELD_OF[top] ?? (top as keyof ProductFormValues);
    if (!out.has(field)) out.set(field, RULE_MESSAGE[i.message] ?? FIELD_MESSAGE[top] ?? '格式不正确');
  }
  return [...out].map(([name, message]) => ({ name: [name], errors: [message] }));
}

/** The shared schema's verdict on the form (plus: a 送积分 price gives at least 1 point); empty when valid. */
export function formErrors(v: ProductFormValues, editing: boolean): FieldErrors {
  const body = editing ? updateBodyOf(v) : createBodyOf(v);
  const r = (editing ? ZUpdateProductBody : ZCreateProductBody).safeParse(body);
  const issues = r.success ? [] : r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  if (v.memberPriceType !== 'none' && fen(v.memberPrice) === undefined) issues.push({ path: 'memberPriceFen', message: MEMBER_PRICE_RULE.pointsNeedPrice });
  if (v.memberPriceType === 'give' && !((int(v.memberPointsGiven) ?? 0) >= 1)) issues.push({ path: 'memberPointsGiven', message: '' });
  return fieldErrors(issues);
}

/** The price tag for the values typed so far. */
export function PricePreview({ values }: { values: ProductFormValues }) {
  const ok = (n: number | undefined) => (n !== undefined && Number.isFinite(n) ? n : undefined);
  const price = ok(fen(values.price));
  const member = values.memberPriceType === 'none' ? undefined : ok(fen(values.memberPrice));
  const tag =
    member === undefined
      ? '—'
      : memberPriceText({
          memberPriceFen: member,
          memberPoints: values.memberPriceType === 'spend' ? (int(values.memberPoints) ?? 0) : 0,
          memberPointsGiven: values.memberPriceType === 'give' ? int(values.memberPointsGiven) : undefined,
        });
  return (
    <div data-testid="product-price-preview" style={{ padding: '10px 14px', background: '#f6f4f0', borderRadius: 8, marginBottom: 16 }}>
      <Typography.Text type="secondary">价签：</Typography.Text>
      <Typography.Text>售价 {price === undefined ? '—' : yuan(price)}</Typography.Text>
      <Typography.Text type="secondary"> · </Typography.Text>
      <Typography.Text strong>会员价 {tag}</Typography.Text>
    </div>
  );
}

/** Money in yuan as text (stringMode keeps cents exact). */
function YuanInput(props: { value?: string | null; onChange?: (v: string | null) => void; placeholder?: string; testId?: string }) {
  return <InputNumber<string> stringMode precision={2} min="0" prefix="¥" style={{ width: '100%' }} value={props.value ?? null} onChange={(v) => props.onChange?.(v)} placeholder={props.placeholder} data-testid={props.testId} />;
}

const TYPE_HELP: Record<MemberPriceType, ReactNode> = {
  none: '会员与非会员同价。',
  spend: '会员付会员价并扣积分，如 ¥1.90 + 6 积分；积分填 0 即仅现金的会员价。积分不足的会员按售价购买。',
  give: '会员付会员价，支付后获赠积分（退款、退货按比例扣回），如 ¥29.90 送 30 积分。非会员按售价购买，不送积分。',
};

/** The fields of the chosen member price type: the cash price and the points it spends, or the points it gives. */
function MemberPriceFields({ type }: { type: MemberPriceType }) {
  return (
    <>
      <Typography.Paragraph type="secondary" style={{ marginTop: -12 }}>
        {TYPE_HELP[type]}
      </Typography.Paragraph>
      {type !== 'none' && (
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item name="memberPrice" label="会员价（现金）" rules={[{ required: true, message: FIELD_MESSAGE.memberPriceFen }]}>
              <YuanInput placeholder={type === 'give' ? '29.90' : '1.90'} testId="product-member-price" />
            </Form.Item>
          </Col>
          <Col span={12}>
            {type === 'spend' ? (
              <ProFormDigit name="memberPoints" label="扣积分" min={0} max={1_000_000} fieldProps={{ precision: 0, suffix: '积分', 'data-testid': 'product-member-points' } as never} />
            ) : (
              <ProFormDigit
                name="memberPointsGiven"
                label="送积分"
                min={1}
                max={1_000_000}
                rules={[{ required: true, message: FIELD_MESSAGE.memberPointsGiven }]}
                fieldProps={{ precision: 0, suffix: '积分', 'data-testid': 'product-member-points-given' } as never}
              />
            )}
          </Col>
        </Row>
      )}
    </>
  );
}

/**
 * 新建 / 编辑商品 (a drawer). The member price is one type (none / 现金+积分 / 现金送积分), so the request never holds
 * both kinds of points; the shared schema checks the rest before sending, and a refusal from the server (e.g. the
 * product changed meanwhile) lands on the field it names.
 */
export function ProductFormDrawer({ product, open, categories, onClose, onSaved }: { product: ConsoleProductView | null; open: boolean; categories: CategoryView[]; onClose: () => void; onSaved: (p: ConsoleProductView) => void }) {
  const { message } = App.useApp();
  const formRef = useRef<ProFormInstance<ProductFormValues>>();
  const editing = product !== null;

  return (
    <DrawerForm<ProductFormValues>
      key={product ? `edit-${product.sku}` : 'new'}
      title={product ? `编辑商品 ${product.sku}` : '新建商品'}
      open={open}
      formRef={formRef}
      width={560}
      initialValues={product ? valuesOf(product) : PRODUCT_FORM_DEFAULTS}
      onOpenChange={(o) => !o && onClose()}
      drawerProps={{ destroyOnHidden: true, maskClosable: false }}
      submitter={{ searchConfig: { submitText: '保存', resetText: '取消' }, submitButtonProps: { 'data-testid': 'product-form-submit' } as never }}
      onFinish={async (values) => {
        const errors = formErrors(values, editing);
        if (errors.length) {
          formRef.current?.setFields(errors as Parameters<ProFormInstance<ProductFormValues>['setFields']>[0]);
          return false;
        }
        try {
          const saved = product
            ? await updateProduct(product.sku, updateBodyOf(values) as TUpdateProductBody)
            : await createProduct(createBodyOf(values) as TCreateProductBody);
          message.success(product ? `已保存 ${saved.sku}` : `已新建商品 ${saved.sku} ${saved.name}`);
          onSaved(saved);
          return true;
        } catch (e) {
          if (e instanceof ApiError && e.code === 'SKU_TAKEN') formRef.current?.setFields([{ name: 'sku', errors: ['SKU 已存在'] }]);
          else if (e instanceof ApiError && e.code === 'VALIDATION_FAILED' && Array.isArray(e.details))
            formRef.current?.setFields(fieldErrors(e.details as { path: string; message: string }[]) as Parameters<ProFormInstance<ProductFormValues>['setFields']>[0]);
          message.error(e instanceof ApiError && e.code === 'VALIDATION_FAILED' ? '保存失败：请按提示修改' : (e as Error).message);
          return false;
        }
      }}
    >
      {product ? (
        <ProFormText label="SKU" fieldProps={{ value: product.sku }} disabled extra="SKU 是商品的唯一编码，收银机按它下单，不能修改" />
      ) : (
        <ProFormText name="sku" label="SKU" required placeholder="如 NUT-003" rules={zodRule(ZCreateProductBody, 'sku', FIELD_MESSAGE.sku)} fieldProps={{ 'data-testid': 'product-sku' } as never} />
      )}
      <ProFormText name="name" label="商品名称" required placeholder="如 夏威夷果 500g" rules={zodRule(ZCreateProductBody, 'name', FIELD_MESSAGE.name)} fieldProps={{ 'data-testid': 'product-name' } as never} />
      <Form.Item name="category" label="品类" required rules={zodRule(ZCreateProductBody, 'category', FIELD_MESSAGE.category)} extra="选择已有品类，或输入新品类名称（同名的品类偏好标签随之建立）">
        <AutoComplete options={categories.map((c) => ({ value: c.name }))} filterOption={(input, o) => String(o?.value ?? '').includes(input)} placeholder="如 坚果" data-testid="product-category" />
      </Form.Item>
      <Form.Item name="price" label="售价" rules={[{ required: true, message: FIELD_MESSAGE.priceFen }]}>
        <YuanInput placeholder="39.90" testId="product-price" />
      </Form.Item>
      <ProFormRadio.Group
        name="memberPriceType"
        label="会员价"
        radioType="button"
        options={[
          { value: 'none', label: '无会员价' },
          { value: 'spend', label: '现金+积分' },
          { value: 'give', label: '现金送积分' },
        ]}
        fieldProps={{ 'data-testid': 'product-member-type' } as never}
      />
      <ProFormDependency name={['memberPriceType']}>{(values) => <MemberPriceFields type={(values as Partial<ProductFormValues>).memberPriceType ?? 'none'} />}</ProFormDependency>
      <ProFormDependency name={['price', 'memberPriceType', 'memberPrice', 'memberPoints', 'memberPointsGiven']}>
        {(values) => <PricePreview values={{ ...PRODUCT_FORM_DEFAULTS, ...(values as Partial<ProductFormValues>) }} />}
      </ProFormDependency>
      {editing && <Typography.Paragraph type="secondary">改价只影响新订单，已下的订单保持下单时的价格。</Typography.Paragraph>}
    </DrawerForm>
  );
}
