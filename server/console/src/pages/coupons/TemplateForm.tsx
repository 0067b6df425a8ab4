import {
  DrawerForm,
  ProFormDateRangePicker,
  ProFormDependency,
  ProFormDigit,
  ProFormRadio,
  ProFormSelect,
  ProFormSwitch,
  ProFormText,
  ProFormTextArea,
  type ProFormInstance,
} from '@ant-design/pro-components';
import { useQuery } from '@tanstack/react-query';
import { App, Button, Col, Divider, Form, InputNumber, Row, Typography } from 'antd';
import { parseYuan, ZCreateCouponTemplateBody, type CouponKind, type TCreateCouponTemplateBody } from '@o2o/shared';
import dayjs, { type Dayjs } from 'dayjs';
import { useRef } from 'react';
import { createCouponTemplate, setClerkOfferable } from '../../api/coupons';
import { get } from '../../api/request';
import { zodRule, zodSubmitErrors } from '../../components/zod-rules';
import { StoreSelect } from '../orders/StoreSelect';
import { TZ } from '../orders/format';
import { KIND_LABEL, validityLine } from './coupon-text';
import { CardButton, WalletCard } from './WalletCard';

/** The form's values: money in yuan as typed, the discount in 折, validity as a mode + a date range or N days. */
export interface TemplateFormValues {
  title?: string;
  description?: string;
  kind: CouponKind;
  thresholdFen?: string | null;
  amountOffFen?: string | null;
  /** 折, e.g. 8.5 (= 15 % off). */
  percentOff?: number | null;
  maxDiscountFen?: string | null;
  giftSku?: string;
  validityMode: 'relative' | 'fixed';
  validRange?: [Dayjs | string, Dayjs | string];
  validDays?: number | null;
  totalStock?: number | null;
  perCustomerLimit?: number | null;
  storeIds?: number[];
  categoryIds?: number[];
  claimable?: boolean;
  welcome?: boolean;
  clerkOfferable?: boolean;
  status: 'draft' | 'active';
}

export const TEMPLATE_FORM_DEFAULTS: TemplateFormValues = { kind: 'amount_off', validityMode: 'relative', validDays: 7, perCustomerLimit: 1, claimable: true, welcome: false, clerkOfferable: false, status: 'draft' };

/** Yuan text → fen; NaN when it is not an amount (the schema then names the field). */
const fen = (v: string | number | null | undefined): number | undefined => {
  if (v === undefined || v === null || v === '') return undefined;
  try {
    return parseYuan(String(v));
  } catch {
    return Number.NaN;
  }
};
const day = (v: Dayjs | string) => (dayjs.isDayjs(v) ? v.format('YYYY-MM-DD') : String(v).slice(0, 10));

/**
 * The request body the form describes. Only the fields of the chosen kind and validity mode go in (a value typed
 * before switching kind is not sent); the schema's cross-field rules then judge the body exactly as the server will.
 * A fixed validity runs from 00:00 of the first Shanghai day to 23:59:59.999 of the last.
 */
export function bodyOf(v: TemplateFormValues): Record<string, unknown> {
  const b: Record<string, unknown> = { title: v.title?.trim() ?? '', kind: v.kind, status: v.status };
  if (v.description?.trim()) b.description = v.description.trim();
  if (v.kind === 'amount_off' || v.kind === 'voucher') b.amountOffFen = fen(v.amountOffFen);
  if (v.kind !== 'voucher' && fen(v.thresholdFen) !== undefined) b.thresholdFen = fen(v.thresholdFen);
  if (v.kind === 'percent_off') {
    b.percentOff = v.percentOff === null || v.percentOff === undefined ? undefined : Math.round(100 - Number(v.percentOff) * 10);
    if (fen(v.maxDiscountFen) !== undefined) b.maxDiscountFen = fen(v.maxDiscountFen);
  }
  if (v.kind === 'gift') b.giftSku = v.giftSku || undefined;
  if (v.validityMode === 'fixed') {
    if (v.validRange?.[0] && v.validRange?.[1]) {
      b.validFrom = dayjs.tz(day(v.validRange[0]), TZ).startOf('day').format('YYYY-MM-DDTHH:mm:ss.SSSZ');
      b.validTo = dayjs.tz(day(v.validRange[1]), TZ).endOf('day').format('YYYY-MM-DDTHH:mm:ss.SSSZ');
    } else b.validFrom = undefined;
  } else b.validDays = v.validDays ?? undefined;
  if (v.totalStock) b.totalStock = v.totalStock;
  if (v.perCustomerLimit) b.perCustomerLimit = v.perCustomerLimit;
  if (v.storeIds?.length) b.storeIds = v.storeIds;
  if (v.categoryIds?.length) b.categoryIds = v.categoryIds;
  b.claimable = !!v.claimable;
  b.welcome = !!v.welcome;
  return Object.fromEntries(Object.entries(b).filter(([, x]) => x !== undefined));
}

/** What the operator reads next to a field the schema refused (keyed by the body's field). */
const MESSAGES: Record<string, string> = {
  title: '请填写标题（32 字以内）',
  description: '说明最多 200 字',
  thresholdFen: '满减券的门槛须高于减免金额',
  amountOffFen: '请填写大于 0 的减免金额',
  percentOff: '请填写 0.1–9.9 之间的折扣',
  maxDiscountFen: '封顶金额须大于 0',
  giftSku: '请选择兑换的商品',
  validDays: '请选择有效期：固定日期，或领取后 N 天',
  validFrom: '请选择有效日期',
  validTo: '结束日期须晚于开始日期',
  totalStock: '库存须为正整数',
  perCustomerLimit: '每人限领 1–100 张',
  storeIds: '门店有重复',
  categoryIds: '品类有重复',
};
/** Body fields shown by another form field. */
const FIELD_OF: Record<string, string> = { validFrom: 'validRange', validTo: 'validRange' };

/** The schema's verdict on the form, as `form.setFields` entries on the form's own fields (empty when valid). */
export function formErrors(v: TemplateFormValues): { name: string[]; errors: string[] }[] {
  return zodSubmitErrors(ZCreateCouponTemplateBody, bodyOf(v), MESSAGES).map((e) => {
    const key = e.name.join('.');
    const top = e.name[0];
    return { name: [FIELD_OF[top] ?? (top === 'storeIds' || top === 'categoryIds' ? top : key)], errors: e.errors };
  });
}

/** The consumer's wallet card for the values typed so far. */
export function TemplatePreview({ values }: { values: TemplateFormValues }) {
  const b = bodyOf(values) as Partial<TCreateCouponTemplateBody>;
  const ok = (n: unknown) => (typeof n === 'number' && Number.isFinite(n) ? n : undefined);
  const terms = {
    title: b.title ?? '',
    kind: values.kind,
    thresholdFen: ok(b.thresholdFen) ?? 0,
    amountOffFen: ok(b.amountOffFen) ?? 0,
    percentOff: ok(b.percentOff) && b.percentOff! >= 1 && b.percentOff! <= 99 ? b.percentOff : null,
    maxDiscountFen: ok(b.maxDiscountFen) ?? null,
  };
  const validity = validityLine({ validFrom: b.validFrom, validTo: b.validTo, validDays: b.validDays });
  const stockNote = b.totalStock ? `仅剩 ${b.totalStock} 张` : undefined;
  return (
    <div data-testid="coupon-template-preview">
      <Typography.Text type="secondary">顾客在小程序「我的优惠券」中看到：</Typography.Text>
      <div style={{ margin: '12px 0 20px', padding: 16, background: '#f6f4f0', borderRadius: 12 }}>
        <WalletCard coupon={terms} validity={validity} action={<CardButton>去使用</CardButton>} />
      </div>
      {values.claimable && (
        <>
          <Typography.Text type="secondary">领券中心：</Typography.Text>
          <div style={{ margin: '12px 0', padding: 16, background: '#f6f4f0', borderRadius: 12 }}>
            <WalletCard coupon={terms} validity={validity} note={stockNote} action={<CardButton>立即领取</CardButton>} />
          </div>
        </>
      )}
      {values.description?.trim() && <Typography.Paragraph type="secondary">使用说明：{values.description.trim()}</Typography.Paragraph>}
    </div>
  );
}

/** Money in yuan as text (stringMode keeps cents exact). */
function YuanInput(props: { value?: string | null; onChange?: (v: string | null) => void; placeholder?: string; testId?: string }) {
  return <InputNumber<string> stringMode precision={2} min="0" prefix="¥" style={{ width: '100%' }} value={props.value ?? null} onChange={(v) => props.onChange?.(v)} placeholder={props.placeholder} data-testid={props.testId} />;
}

interface ProductOption {
  sku: string;
  name: string;
  categoryId: number;
  category: string;
}

/**
 * 新建优惠券模板 (a drawer): every field the server takes, the fields of the chosen kind only, validated by the
 * shared schema (field rules while typing, the cross-field rules on submit) and the wallet card previewed live.
 */
export function TemplateCreateDrawer({ onCreated }: { onCreated: () => void }) {
  const { message } = App.useApp();
  const formRef = useRef<ProFormInstance<TemplateFormValues>>();
  const products = useQuery({ queryKey: ['products'], queryFn: () => get<{ items: ProductOption[] }>('/products').then((r) => r.items), staleTime: 60_000 });
  const categories = [...new Map((products.data ?? []).map((p) => [p.categoryId, p.category])).entries()].map(([value, label]) => ({ value, label }));

  return (
    <DrawerForm<TemplateFormValues>
      title="新建优惠券模板"
      formRef={formRef}
      width={1040}
      initialValues={TEMPLATE_FORM_DEFAULTS}
      drawerProps={{ destroyOnHidden: true, maskClosable: false }}
      trigger={
        <Button type="primary" data-testid="coupon-template-create">
          新建模板
        </Button>
      }
      submitter={{ searchConfig: { submitText: '保存', resetText: '取消' } }}
      onFinish={async (values) => {
        const errors = formErrors(values);
        if (errors.length) {
          formRef.current?.setFields(errors as Parameters<ProFormInstance<TemplateFormValues>['setFields']>[0]);
          return false;
        }
        try {
          const t = await createCouponTemplate(bodyOf(values) as TCreateCouponTemplateBody);
          if (values.clerkOfferable) await setClerkOfferable(t.id, true);
          message.success(`已创建「${t.title}」${t.status === 'active' ? '，已开始发放' : '（草稿）'}`);
          onCreated();
          return true;
        } catch (e) {
          message.error((e as Error).message);
          return false;
        }
      }}
    >
      <Row gutter={32}>
        <Col flex="1 1 560px">
          <ProFormText name="title" label="标题" placeholder="如：满100减20" rules={zodRule(ZCreateCouponTemplateBody, 'title', MESSAGES.title)} fieldProps={{ maxLength: 32, showCount: true }} />
          <ProFormTextArea name="description" label="使用说明" rules={zodRule(ZCreateCouponTemplateBody, 'description', MESSAGES.description)} fieldProps={{ maxLength: 200, showCount: true, rows: 2 }} />
          <ProFormRadio.Group
            name="kind"
            label="类型"
            radioType="button"
            options={(Object.keys(KIND_LABEL) as CouponKind[]).map((k) => ({ value: k, label: KIND_LABEL[k] }))}
          />
          <ProFormDependency name={['kind']}>
            {({ kind }) => (
              <Row gutter={16}>
                {kind !== 'voucher' && (
                  <Col span={8}>
                    <Form.Item name="thresholdFen" label={kind === 'amount_off' ? '门槛（满）' : '门槛（满，可不填）'} rules={kind === 'amount_off' ? [{ required: true, message: '请填写门槛金额' }] : []}>
                      <YuanInput placeholder={kind === 'amount_off' ? '100' : '无门槛'} testId="coupon-threshold" />
                    </Form.Item>
                  </Col>
                )}
                {(kind === 'amount_off' || kind === 'voucher') && (
                  <Col span={8}>
                    <Form.Item name="amountOffFen" label="减免金额" rules={[{ required: true, message: MESSAGES.amountOffFen }]}>
                      <YuanInput placeholder="20" testId="coupon-amount-off" />
                    </Form.Item>
                  </Col>
                )}
                {kind === 'percent_off' && (
                  <>
                    <Col span={8}>
                      <ProFormDigit name="percentOff" label="折扣（折）" min={0.1} max={9.9} fieldProps={{ precision: 1, step: 0.5 }} placeholder="8.5" rules={[{ required: true, message: MESSAGES.percentOff }]} />
                    </Col>
                    <Col span={8}>
                      <Form.Item name="maxDiscountFen" label="最多减（可不填）">
                        <YuanInput placeholder="不封顶" />
                      </Form.Item>
                    </Col>
                  </>
                )}
                {kind === 'gift' && (
                  <Col span={16}>
                    <ProFormSelect
                      name="giftSku"
                      label="兑换商品"
                      showSearch
                      options={(products.data ?? []).map((p) => ({ value: p.sku, label: `${p.name}（${p.sku}）` }))}
                      rules={[{ required: true, message: MESSAGES.giftSku }]}
                      fieldProps={{ loading: products.isLoading }}
                    />
                  </Col>
                )}
              </Row>
            )}
          </ProFormDependency>
          <Divider plain orientation="left">
            有效期与库存
          </Divider>
          <ProFormRadio.Group
            name="validityMode"
            label="有效期"
            options={[
              { value: 'relative', label: '领取后 N 天' },
              { value: 'fixed', label: '固定日期' },
            ]}
          />
          <ProFormDependency name={['validityMode']}>
            {({ validityMode }) =>
              validityMode === 'fixed' ? (
                <ProFormDateRangePicker name="validRange" label="有效日期（含首尾两天，北京时间）" rules={[{ required: true, message: MESSAGES.validFrom }]} />
              ) : (
                <ProFormDigit name="validDays" label="领取后有效天数（领取当天为第 1 天）" min={1} max={3650} fieldProps={{ precision: 0 }} rules={zodRule(ZCreateCouponTemplateBody, 'validDays', MESSAGES.validDays)} />
              )
            }
          </ProFormDependency>
          <Row gutter={16}>
            <Col span={12}>
              <ProFormDigit name="totalStock" label="总库存（不填为不限）" min={1} fieldProps={{ precision: 0 }} rules={zodRule(ZCreateCouponTemplateBody, 'totalStock', MESSAGES.totalStock)} />
            </Col>
            <Col span={12}>
              <ProFormDigit name="perCustomerLimit" label="每人限领" min={1} max={100} fieldProps={{ precision: 0 }} rules={zodRule(ZCreateCouponTemplateBody, 'perCustomerLimit', MESSAGES.perCustomerLimit)} />
            </Col>
          </Row>
          <Divider plain orientation="left">
            范围与发放
          </Divider>
          <Form.Item name="storeIds" label="适用门店（不选为全部门店）">
            <StoreSelect multiple placeholder="全部门店" />
          </Form.Item>
          <ProFormSelect name="categoryIds" label="适用品类（不选为全部品类）" mode="multiple" options={categories} fieldProps={{ loading: products.isLoading }} placeholder="全部品类" />
          <Row gutter={16}>
            <Col span={8}>
              <ProFormSwitch name="claimable" label="领券中心可领" />
            </Col>
            <Col span={8}>
              <ProFormSwitch name="welcome" label="新会员自动发放" />
            </Col>
            <Col span={8}>
              <ProFormSwitch name="clerkOfferable" label="导购可发（专属优惠）" />
            </Col>
          </Row>
          <ProFormRadio.Group
            name="status"
            label="保存后"
            options={[
              { value: 'draft', label: '存为草稿' },
              { value: 'active', label: '立即发放' },
            ]}
          />
        </Col>
        <Col flex="0 0 380px" style={{ position: 'sticky', top: 0, alignSelf: 'flex-start' }}>
          <Typography.Title level={5}>券面预览</Typography.Title>
          <ProFormDependency name={['title', 'description', 'kind', 'thresholdFen', 'amountOffFen', 'percentOff', 'maxDiscountFen', 'giftSku', 'validityMode', 'validRange', 'validDays', 'totalStock', 'claimable', 'status']}>
            {(values) => <TemplatePreview values={{ ...TEMPLATE_FORM_DEFAULTS, ...(values as Partial<TemplateFormValues>) }} />}
          </ProFormDependency>
        </Col>
      </Row>
    </DrawerForm>
  );
}
