import { ModalForm, ProFormDependency } from '@ant-design/pro-components';
import { useQuery } from '@tanstack/react-query';
import { App, Checkbox, DatePicker, Form, Radio, Select, Typography } from 'antd';
import { ZScheduleQrTagSetBody, type TQrCodeSetTarget, type TScheduleQrTagSetBody } from '@o2o/shared';
import type { Dayjs } from 'dayjs';
import { posterTags, scanCouponTemplates, scheduleCouponOnSet, scheduleTagOnSet } from '../../api/qr-codes';
import { zodSubmitErrors } from '../../components/zod-rules';
import { shanghai, shanghaiIso, TAG_GROUP } from './format';

type Scope = 'selected' | 'store' | 'region' | 'all';
interface ScheduleValues {
  scope: Scope;
  storeId?: number;
  region?: string;
  ownerType: 'all' | 'store' | 'clerk';
  kind: 'tag' | 'coupon';
  tagId?: number;
  templateId?: number;
  validFrom?: Dayjs;
  validTo?: Dayjs;
  replace: boolean;
}

export interface ScheduleScopes {
  regions: string[];
  stores: { id: number; name: string; code: string }[];
}

/** The request body for the form's values (tag or coupon), or the field errors to show. */
export function scheduleBody(v: ScheduleValues, selectedIds: number[]): { body: Omit<TScheduleQrTagSetBody, 'tagId'> & { tagId?: number; templateId?: number } } | { errors: { name: string[]; errors: string[] }[] } {
  const errors: { name: string[]; errors: string[] }[] = [];
  const target: TQrCodeSetTarget | null =
    v.scope === 'selected' ? (selectedIds.length ? { codeIds: selectedIds } : null) : v.scope === 'store' ? (v.storeId ? { storeId: v.storeId } : null) : v.scope === 'region' ? (v.region ? { region: v.region } : null) : { all: true };
  if (!target) errors.push({ name: [v.scope === 'store' ? 'storeId' : v.scope === 'region' ? 'region' : 'scope'], errors: [v.scope === 'selected' ? '请先在列表中勾选二维码' : '请选择'] });
  if (!v.validFrom) errors.push({ name: ['validFrom'], errors: ['请选择开始时间'] });
  if (v.validFrom && v.validTo && !v.validTo.isAfter(v.validFrom)) errors.push({ name: ['validTo'], errors: ['结束时间须晚于开始时间'] });
  if (v.kind === 'tag' && !v.tagId) errors.push({ name: ['tagId'], errors: ['请选择标签'] });
  if (v.kind === 'coupon' && !v.templateId) errors.push({ name: ['templateId'], errors: ['请选择优惠券'] });
  if (errors.length) return { errors };
  const body = {
    target: target!,
    ...(v.scope !== 'selected' && v.ownerType !== 'all' ? { ownerType: v.ownerType } : {}),
    validFrom: shanghaiIso(v.validFrom!),
    ...(v.validTo ? { validTo: shanghaiIso(v.validTo) } : {}),
    replace: v.replace,
    ...(v.kind === 'tag' ? { tagId: v.tagId } : { templateId: v.templateId }),
  };
  // the shared schema is the server's: a body it would refuse is not sent
  const problems = v.kind === 'tag' ? zodSubmitErrors(ZScheduleQrTagSetBody, body) : [];
  return problems.length ? { errors: problems } : { body };
}

/**
 * 换海报标签: the tag (or scan coupon) and its start time on a set of codes — the rows picked in the list, one store,
 * a region or every store — in two steps: the server counts the codes (dry run), the operator confirms that count,
 * then one transaction changes them all.
 */
export function ScheduleModal({ open, onOpenChange, selectedIds, scopes, onDone }: { open: boolean; onOpenChange: (o: boolean) => void; selectedIds: number[]; scopes?: ScheduleScopes; onDone: () => void }) {
  const { message, modal } = App.useApp();
  const [form] = Form.useForm<ScheduleValues>();
  const tags = useQuery({ queryKey: ['qr-codes', 'poster-tags'], queryFn: posterTags, enabled: open, staleTime: 60_000 });
  const templates = useQuery({ queryKey: ['qr-codes', 'scan-coupons'], queryFn: scanCouponTemplates, enabled: open, staleTime: 60_000 });
  const groups = Object.entries(
    (tags.data ?? []).reduce<Record<string, { label: string; value: number }[]>>((acc, t) => {
      (acc[t.group] ??= []).push({ label: t.name, value: t.id });
      return acc;
    }, {}),
  ).map(([group, options]) => ({ label: TAG_GROUP[group as keyof typeof TAG_GROUP] ?? group, options }));

  const finish = async (v: ScheduleValues): Promise<boolean> => {
    const built = scheduleBody(v, selectedIds);
    if ('errors' in built) {
      form.setFields(built.errors as Parameters<typeof form.setFields>[0]);
      return false;
    }
    const body = built.body;
    const send = (dryRun: boolean) =>
      v.kind === 'tag' ? scheduleTagOnSet(body as TScheduleQrTagSetBody, dryRun) : scheduleCouponOnSet({ ...body, templateId: v.templateId! } as never, dryRun);
    try {
      const dry = await send(true);
      if (dry.count === 0) {
        message.warning('所选范围内没有二维码：请先批量生成，或换一个范围');
        return false;
      }
      const what = v.kind === 'tag' ? `标签「${tags.data?.find((t) => t.id === v.tagId)?.name ?? ''}」` : `扫码券「${templates.data?.find((t) => t.id === v.templateId)?.title ?? ''}」`;
      const ok = await modal.confirm({
        title: `确认为 ${dry.count} 个二维码更换${v.kind === 'tag' ? '海报标签' : '扫码券'}？`,
        content: (
          <Typography.Paragraph style={{ marginBottom: 0 }}>
            将有 <b data-testid="qr-schedule-count">{dry.count}</b> 个二维码自 {shanghai(body.validFrom)} 起使用{what}
            {body.validTo ? `，至 ${shanghai(body.validTo)} 结束` : ''}。{v.replace ? (v.kind === 'tag' ? '同组的原标签在开始时结束。' : '原扫码券在开始时结束。') : ''}
          </Typography.Paragraph>
        ),
        okText: `确认更换 ${dry.count} 个`,
        okButtonProps: { 'data-testid': 'qr-schedule-confirm' } as never,
      });
      if (!ok) return false;
      const res = await send(false);
      message.success(`已为 ${res.count} 个二维码排期${res.closed ? `，${res.closed} 条原排期在开始时结束` : ''}`);
      onDone();
      return true;
    } catch (e) {
      message.error((e as Error).message);
      return false;
    }
  };

  return (
    <ModalForm<ScheduleValues>
      title="换海报标签"
      form={form}
      open={open}
      onOpenChange={onOpenChange}
      width={560}
      dateFormatter={false}
      modalProps={{ destroyOnHidden: true }}
      initialValues={{ scope: selectedIds.length ? 'selected' : 'store', ownerType: 'store', kind: 'tag', replace: true }}
      submitter={{ searchConfig: { submitText: '下一步：确认数量' }, submitButtonProps: { 'data-testid': 'qr-schedule-submit' } as never }}
      onFinish={finish}
    >
      <Form.Item name="scope" label="范围">
        <Radio.Group data-testid="qr-schedule-scope" optionType="button">
          <Radio value="selected" disabled={selectedIds.length === 0}>
            已选 {selectedIds.length} 个
          </Radio>
          <Radio value="store">门店</Radio>
          <Radio value="region">区域</Radio>
          <Radio value="all">全部门店</Radio>
        </Radio.Group>
      </Form.Item>
      <ProFormDependency name={['scope', 'kind']}>
        {({ scope, kind }) => (
          <>
            {scope === 'store' && (
              <Form.Item name="storeId" label="门店" rules={[{ required: true, message: '请选择门店' }]}>
                <Select
                  data-testid="qr-schedule-store"
                  showSearch
                  optionFilterProp="label"
                  placeholder="搜索门店编码或名称"
                  options={(scopes?.stores ?? []).map((s) => ({ value: s.id, label: `${s.code} ${s.name}` }))}
                />
              </Form.Item>
            )}
            {scope === 'region' && (
              <Form.Item name="region" label="区域" rules={[{ required: true, message: '请选择区域' }]}>
                <Select data-testid="qr-schedule-region" showSearch placeholder="选择区域" options={(scopes?.regions ?? []).map((r) => ({ value: r, label: r }))} />
              </Form.Item>
            )}
            {scope !== 'selected' && (
              <Form.Item name="ownerType" label="二维码类型">
                <Radio.Group data-testid="qr-schedule-owner">
                  <Radio value="store">门店码</Radio>
                  <Radio value="clerk">导购码</Radio>
                  <Radio value="all">全部</Radio>
                </Radio.Group>
              </Form.Item>
            )}
            <Form.Item name="kind" label="更换内容">
              <Radio.Group data-testid="qr-schedule-kind">
                <Radio value="tag">标签</Radio>
                <Radio value="coupon">扫码券</Radio>
              </Radio.Group>
            </Form.Item>
            {kind === 'tag' ? (
              <Form.Item name="tagId" label="标签" rules={[{ required: true, message: '请选择标签' }]} extra="顾客扫码时打上的标签（按分组）">
                <Select data-testid="qr-schedule-tag" showSearch optionFilterProp="label" placeholder="选择标签" loading={tags.isLoading} options={groups} />
              </Form.Item>
            ) : (
              <Form.Item name="templateId" label="扫码券" rules={[{ required: true, message: '请选择优惠券' }]} extra="扫码即领，每个顾客每条排期一张">
                <Select
                  data-testid="qr-schedule-coupon"
                  showSearch
                  optionFilterProp="label"
                  placeholder="选择优惠券模板"
                  loading={templates.isLoading}
                  options={(templates.data ?? []).map((t) => ({ value: t.id, label: t.status === 'active' ? t.title : `${t.title}（未发放）` }))}
                />
              </Form.Item>
            )}
          </>
        )}
      </ProFormDependency>
      <div data-testid="qr-schedule-start">
        <Form.Item name="validFrom" label="开始时间（北京时间）" rules={[{ required: true, message: '请选择开始时间' }]}>
          <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" style={{ width: '100%' }} placeholder="海报换上的时间" />
        </Form.Item>
      </div>
      <div data-testid="qr-schedule-end">
        <Form.Item name="validTo" label="结束时间（可选）">
          <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" style={{ width: '100%' }} placeholder="不填则长期有效" />
        </Form.Item>
      </div>
      <Form.Item name="replace" valuePropName="checked">
        <Checkbox data-testid="qr-schedule-replace">替换原有排期（标签：同一分组；扫码券：全部）在开始时结束</Checkbox>
      </Form.Item>
    </ModalForm>
  );
}
