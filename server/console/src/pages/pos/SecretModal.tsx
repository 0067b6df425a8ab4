import { CheckOutlined, CopyOutlined } from '@ant-design/icons';
import { Alert, Button, Descriptions, Modal, Typography } from 'antd';
import type { PosTerminalView } from '@o2o/shared';

/** The integration guide the till vendor follows (written with the POS API; the repository's docs). */
export const GUIDE_PATH = 'docs/pos-integration.md';

/** A value with a labelled copy button (antd's copy works without HTTPS, unlike navigator.clipboard). */
function Copyable({ text, testId, label }: { text: string; testId: string; label: string }) {
  return (
    <Typography.Text
      code
      data-testid={testId}
      style={{ fontSize: 14, wordBreak: 'break-all' }}
      copyable={{
        text,
        tooltips: [`复制${label}`, '已复制'],
        icon: [
          <span key="copy" data-testid={`${testId}-copy`} style={{ whiteSpace: 'nowrap' }}>
            <CopyOutlined /> 复制
          </span>,
          <span key="done" style={{ whiteSpace: 'nowrap' }}>
            <CheckOutlined /> 已复制
          </span>,
        ],
      }}
    >
      {text}
    </Typography.Text>
  );
}

/**
 * The one time a terminal's secret is shown: right after it was created. Closed only by the explicit button (no
 * mask click, no Esc), with a warning that it will not be shown again, and what the vendor needs to connect the till.
 */
export function SecretModal({ created, onClose }: { created: { terminal: PosTerminalView; secret: string } | null; onClose: () => void }) {
  const t = created?.terminal;
  const api = `${window.location.origin}/api/pos/v1`;
  return (
    <Modal
      title={t ? `收银终端已创建：${t.name}` : ''}
      open={!!created}
      width={720}
      closable={false}
      maskClosable={false}
      keyboard={false}
      destroyOnHidden
      footer={
        <Button type="primary" data-testid="pos-secret-done" onClick={onClose}>
          我已复制并保存密钥
        </Button>
      }
    >
      {created && t && (
        <div data-testid="pos-secret-modal">
          <Alert
            type="warning"
            showIcon
            message="密钥只显示这一次"
            description="关闭此窗口后无法再次查看密钥（服务器只保存其摘要）。请现在复制，并通过安全的方式交给收银系统厂商；遗失后只能停用此终端并重新创建。"
            style={{ marginBottom: 16 }}
          />
          <Descriptions column={1} size="small" bordered styles={{ label: { width: 120, whiteSpace: 'nowrap' } }}>
            <Descriptions.Item label="门店">{t.storeName || `#${t.storeId}`}</Descriptions.Item>
            <Descriptions.Item label="终端名称">{t.name}</Descriptions.Item>
            <Descriptions.Item label="Key ID">
              <Copyable text={t.keyId} testId="pos-secret-key-id" label=" Key ID" />
            </Descriptions.Item>
            <Descriptions.Item label="密钥">
              <Copyable text={created.secret} testId="pos-secret-value" label="密钥" />
            </Descriptions.Item>
            <Descriptions.Item label="密钥指纹">
              <Typography.Text code>{t.secretFingerprint}</Typography.Text>
              <Typography.Text type="secondary" style={{ marginLeft: 8 }}>
                列表中显示，用于核对厂商手上的是哪把密钥
              </Typography.Text>
            </Descriptions.Item>
          </Descriptions>
          <Typography.Title level={5} style={{ marginTop: 20 }}>
            接入说明（完整说明和签名示例见 {GUIDE_PATH}）
          </Typography.Title>
          <ul style={{ paddingLeft: 20, margin: 0, lineHeight: 1.9 }} data-testid="pos-secret-guide">
            <li>
              接口地址 <Typography.Text code>{api}</Typography.Text>，接口描述（OpenAPI 3.1）<Typography.Text code>{api}/openapi.json</Typography.Text>
            </li>
            <li>
              每个请求带请求头 <Typography.Text code>X-Pos-Key</Typography.Text>（Key ID）、<Typography.Text code>X-Pos-Timestamp</Typography.Text>（Unix 秒，与服务器相差不超过 300 秒）、
              <Typography.Text code>X-Pos-Nonce</Typography.Text>（每个请求不同的 16–64 位随机串）和 <Typography.Text code>X-Pos-Signature</Typography.Text>
            </li>
            <li>
              签名为 HMAC-SHA256（以密钥为 key）对「方法、路径、时间戳、Nonce、请求体的 SHA-256」五行文本的小写十六进制结果
            </li>
            <li>按小票号提交销售：同一小票号重试返回同一笔销售，不会重复记账</li>
          </ul>
        </div>
      )}
    </Modal>
  );
}
