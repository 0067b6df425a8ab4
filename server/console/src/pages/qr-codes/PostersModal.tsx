import { ModalForm, ProFormDependency } from '@ant-design/pro-components';
import { App, Form, Radio, Select, Switch, Typography } from 'antd';
import type { JobView, TQrPostersBody } from '@o2o/shared';
import { useState } from 'react';
import { requestPosters } from '../../api/qr-codes';
import { JobProgress } from '../../components/JobProgress';
import type { ScheduleScopes } from './ScheduleModal';

interface PosterValues {
  scope: 'stores' | 'region' | 'all';
  storeIds?: number[];
  region?: string;
  includeClerks: boolean;
}

/**
 * 生成海报 PDF: which stores (picked, a region, all) and whether clerk codes are included → a job; its progress is
 * shown here and the PDF is downloaded when done. A store manager prints their own store.
 */
export function PostersModal({ open, onOpenChange, scopes, ownStoreId }: { open: boolean; onOpenChange: (o: boolean) => void; scopes?: ScheduleScopes; ownStoreId: number | null }) {
  const { message } = App.useApp();
  const [job, setJob] = useState<JobView | null>(null);
  const manager = ownStoreId !== null;

  const finish = async (v: PosterValues): Promise<boolean> => {
    const body: TQrPostersBody = manager
      ? { storeIds: [ownStoreId!], includeClerks: v.includeClerks }
      : v.scope === 'stores'
        ? { storeIds: v.storeIds ?? [], includeClerks: v.includeClerks }
        : v.scope === 'region'
          ? { region: v.region!, includeClerks: v.includeClerks }
          : { all: true, includeClerks: v.includeClerks };
    try {
      setJob(await requestPosters(body));
    } catch (e) {
      message.error((e as Error).message);
    }
    return false; // stay open: the progress and the download are shown here
  };

  return (
    <ModalForm<PosterValues>
      title="生成海报 PDF"
      open={open}
      onOpenChange={(o) => {
        if (!o) setJob(null);
        onOpenChange(o);
      }}
      width={560}
      modalProps={{ destroyOnHidden: true }}
      initialValues={{ scope: 'all', includeClerks: true }}
      submitter={{ searchConfig: { submitText: job ? '再生成一份' : '开始生成', resetText: '关闭' }, submitButtonProps: { 'data-testid': 'qr-posters-submit' } as never }}
      onFinish={finish}
    >
      <Typography.Paragraph type="secondary">
        每个二维码一页 A5 海报：品牌、门店、导购（导购码）、二维码、编号和“扫码成为会员 · 领新人礼”。只打印已生成的二维码{manager ? '' : '，先用“批量生成”补齐'}。
      </Typography.Paragraph>
      {!manager && (
        <>
          <Form.Item name="scope" label="门店范围">
            <Radio.Group data-testid="qr-posters-scope" optionType="button">
              <Radio value="stores">选择门店</Radio>
              <Radio value="region">区域</Radio>
              <Radio value="all">全部门店</Radio>
            </Radio.Group>
          </Form.Item>
          <ProFormDependency name={['scope']}>
            {({ scope }) =>
              scope === 'stores' ? (
                <Form.Item name="storeIds" label="门店" rules={[{ required: true, message: '请选择门店' }]}>
                  <Select
                    data-testid="qr-posters-stores"
                    mode="multiple"
                    showSearch
                    optionFilterProp="label"
                    placeholder="搜索门店编码或名称"
                    options={(scopes?.stores ?? []).map((s) => ({ value: s.id, label: `${s.code} ${s.name}` }))}
                  />
                </Form.Item>
              ) : scope === 'region' ? (
                <Form.Item name="region" label="区域" rules={[{ required: true, message: '请选择区域' }]}>
                  <Select data-testid="qr-posters-region" placeholder="选择区域" options={(scopes?.regions ?? []).map((r) => ({ value: r, label: r }))} />
                </Form.Item>
              ) : null
            }
          </ProFormDependency>
        </>
      )}
      <Form.Item name="includeClerks" label="包含导购码" valuePropName="checked">
        <Switch data-testid="qr-posters-clerks" checkedChildren="含导购" unCheckedChildren="仅门店" />
      </Form.Item>
      {job && <JobProgress key={job.id} job={job} unit="页" />}
    </ModalForm>
  );
}
