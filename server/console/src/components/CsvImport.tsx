import { DownloadOutlined, InboxOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import { Alert, App, Button, Col, Input, Result, Row, Space, Statistic, Steps, Table, Typography, Upload } from 'antd';
import { matchHeader, parseCsv, toCsv, type CsvColumn, type ImportReport, type ImportRowError } from '@o2o/shared';
import { useMemo, useState, type ReactNode } from 'react';
import { ApiError } from '../api/request';

/**
 * The import flow every CSV import of the console uses (stores, staff): pick a file or paste the text, download the
 * template, 预检 (the server's dry run: counts and every row's errors), then 导入 (apply: valid rows in one
 * transaction, rows with errors skipped and listed), then the result. The server is the judge; the local parse
 * (the same shared parser) only previews the header and the first rows while the operator is still choosing.
 */
export interface CsvImportProps<R extends ImportReport> {
  columns: readonly CsvColumn[];
  template: { fileName: string; rows: readonly (readonly string[])[] };
  /** Calls the import endpoint: dry run or apply. */
  run: (csv: string, dryRun: boolean) => Promise<R>;
  onApplied?: (report: R) => void;
  /** Extra result content after apply (e.g. the store managers' one-time passwords). */
  renderResult?: (report: R) => ReactNode;
}

interface HeaderProblem {
  missing: string[];
  unknown: string[];
  duplicate?: string[];
  expected: string[];
}

/** Excel in China saves CSV as GB18030 by default: UTF-8 when the bytes are valid UTF-8, else GB18030. */
export function decodeCsvBytes(bytes: ArrayBuffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('gb18030').decode(bytes);
  }
}

function readFile(file: Blob): Promise<ArrayBuffer> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result as ArrayBuffer);
    reader.onerror = () => reject(reader.error);
    reader.readAsArrayBuffer(file);
  });
}

/** Saves text as a file (the template): UTF-8 with a BOM so Excel shows the Chinese header. */
export function downloadText(fileName: string, text: string, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function HeaderProblemAlert({ problem }: { problem: HeaderProblem }) {
  return (
    <Alert
      type="error"
      showIcon
      data-testid="csv-header-error"
      message="表头与模板不一致，文件不会被导入"
      description={
        <Space direction="vertical" size={2}>
          {problem.missing.length > 0 && <span>缺少列：{problem.missing.join('、')}</span>}
          {problem.unknown.length > 0 && <span>无法识别的列：{problem.unknown.join('、')}</span>}
          {problem.duplicate && problem.duplicate.length > 0 && <span>重复的列：{problem.duplicate.join('、')}</span>}
          <span>模板的列：{problem.expected.join('、')}（也可用英文列名）</span>
        </Space>
      }
    />
  );
}

export function ImportCounts({ report }: { report: ImportReport }) {
  const will = report.dryRun ? '将' : '已';
  return (
    <Row gutter={16} data-testid="csv-counts">
      <Col span={4}>
        <Statistic title="数据行" value={report.total} />
      </Col>
      <Col span={5}>
        <Statistic title={`${will}新增`} value={report.created} valueStyle={{ color: '#389e0d' }} />
      </Col>
      <Col span={5}>
        <Statistic title={`${will}更新`} value={report.updated} valueStyle={{ color: '#1677ff' }} />
      </Col>
      <Col span={5}>
        <Statistic title="无变化" value={report.unchanged} />
      </Col>
      <Col span={5}>
        <Statistic title={report.dryRun ? '有错误（将跳过）' : '有错误（已跳过）'} value={report.errors.length} valueStyle={{ color: report.errors.length ? '#cf1322' : undefined }} />
      </Col>
    </Row>
  );
}

export function ImportErrors({ errors }: { errors: ImportRowError[] }) {
  if (errors.length === 0) return null;
  return (
    <Table<ImportRowError & { key: number }>
      data-testid="csv-errors"
      size="small"
      rowKey="key"
      dataSource={errors.map((e, key) => ({ ...e, key }))}
      pagination={errors.length > 10 ? { pageSize: 10, showSizeChanger: false, showTotal: (t) => `共 ${t} 个错误` } : false}
      columns={[
        { title: '行号', dataIndex: 'line', width: 80 },
        { title: '列', dataIndex: 'column', width: 120, render: (v?: string) => v ?? '整行' },
        { title: '问题', dataIndex: 'message' },
      ]}
    />
  );
}

export function CsvImport<R extends ImportReport>({ columns, template, run, onApplied, renderResult }: CsvImportProps<R>) {
  const { message } = App.useApp();
  const [text, setText] = useState('');
  const [fileName, setFileName] = useState<string | null>(null);
  /** The dry run of exactly the current text (cleared whenever the text changes). */
  const [checked, setChecked] = useState<{ text: string; report: R } | null>(null);
  const [serverHeader, setServerHeader] = useState<HeaderProblem | null>(null);
  const [applied, setApplied] = useState<R | null>(null);

  const local = useMemo(() => {
    if (!text.trim()) return null;
    const parsed = parseCsv(text);
    const [header, ...rows] = parsed.records;
    const match = matchHeader(header?.fields ?? [], columns);
    return { match, rows, unterminated: parsed.unterminatedQuoteLine };
  }, [text, columns]);

  const changeText = (t: string) => {
    setText(t);
    setChecked(null);
    setServerHeader(null);
  };

  const dryRun = useMutation({
    mutationFn: (csv: string) => run(csv, true),
    onSuccess: (report, csv) => setChecked({ text: csv, report }),
    onError: (e) => {
      if (e instanceof ApiError && e.code === 'IMPORT_HEADER_INVALID') setServerHeader(e.details as HeaderProblem);
      else message.error(e.message);
    },
  });
  const apply = useMutation({
    mutationFn: (csv: string) => run(csv, false),
    onSuccess: (report) => {
      setApplied(report);
      onApplied?.(report);
    },
    onError: (e) => message.error(e.message),
  });

  const localHeader: HeaderProblem | null = local && !local.match.ok ? local.match : null;
  const headerProblem = serverHeader ?? localHeader;
  const report = checked?.text === text ? checked.report : null;
  const applicable = report !== null && !headerProblem && report.created + report.updated > 0;
  const step = applied ? 3 : report ? 2 : text ? 1 : 0;

  if (applied) {
    const skipped = applied.errors.length;
    return (
      <div data-testid="csv-result">
        <Steps size="small" current={3} items={[{ title: '选择文件' }, { title: '预检' }, { title: '导入' }, { title: '完成' }]} style={{ marginBottom: 24 }} />
        <Result
          status={skipped ? 'warning' : 'success'}
          title={`导入完成：新增 ${applied.created}，更新 ${applied.updated}，无变化 ${applied.unchanged}`}
          subTitle={skipped ? `${skipped} 行有错误，已跳过；改正后重新导入这些行即可（已导入的行再次导入不会重复）` : '全部数据行已处理'}
          extra={
            <Button
              onClick={() => {
                setApplied(null);
                changeText('');
                setFileName(null);
              }}
            >
              再导入一个文件
            </Button>
          }
        />
        {renderResult?.(applied)}
        <ImportErrors errors={applied.errors} />
      </div>
    );
  }

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }} data-testid="csv-import">
      <Steps size="small" current={step} items={[{ title: '选择文件' }, { title: '预检' }, { title: '导入' }, { title: '完成' }]} />
      <Upload.Dragger
        accept=".csv,text/csv,text/plain"
        multiple={false}
        showUploadList={false}
        data-testid="csv-file-input"
        beforeUpload={(file) => {
          readFile(file)
            .then((buf) => {
              setFileName(file.name);
              changeText(decodeCsvBytes(buf));
            })
            .catch(() => message.error('无法读取该文件'));
          return false;
        }}
      >
        <p className="ant-upload-drag-icon">
          <InboxOutlined />
        </p>
        <p className="ant-upload-text">{fileName ? `已选择：${fileName}（可重新选择）` : '点击或拖入 CSV 文件'}</p>
        <p className="ant-upload-hint">UTF-8 或 Excel 另存的 CSV（GBK）均可；第一行为表头，中英文列名均可</p>
      </Upload.Dragger>
      <Space>
        <Button icon={<DownloadOutlined />} data-testid="csv-template" onClick={() => downloadText(template.fileName, toCsv(template.rows.map((r) => [...r])))}>
          下载模板
        </Button>
        <Typography.Text type="secondary">列：{columns.map((c) => (c.required ? c.label : `${c.label}（可选）`)).join('、')}</Typography.Text>
      </Space>
      <Input.TextArea
        data-testid="csv-text"
        value={text}
        onChange={(e) => {
          setFileName(null);
          changeText(e.target.value);
        }}
        placeholder="或把 CSV 内容粘贴到这里（从表格复制时用逗号分隔）"
        autoSize={{ minRows: 4, maxRows: 12 }}
        style={{ fontFamily: 'monospace' }}
      />
      {local?.unterminated !== undefined && <Alert type="error" showIcon message={`第 ${local.unterminated} 行的引号没有闭合，之后的内容无法读取`} />}
      {headerProblem ? (
        <HeaderProblemAlert problem={headerProblem} />
      ) : (
        local && <Typography.Text type="secondary" data-testid="csv-local-summary">表头正确，共 {local.rows.length} 行数据</Typography.Text>
      )}
      <Space>
        <Button data-testid="csv-dry-run" disabled={!text.trim()} loading={dryRun.isPending} onClick={() => dryRun.mutate(text)}>
          预检
        </Button>
        <Button type="primary" data-testid="csv-apply" disabled={!applicable} loading={apply.isPending} onClick={() => apply.mutate(text)}>
          导入
        </Button>
        {!report && text.trim() && !headerProblem && <Typography.Text type="secondary">先预检，确认无误后再导入</Typography.Text>}
        {report && report.created + report.updated === 0 && <Typography.Text type="secondary">没有需要写入的行</Typography.Text>}
      </Space>
      {report && (
        <Space direction="vertical" style={{ width: '100%' }} data-testid="csv-dry-run-report">
          <ImportCounts report={report} />
          {report.errors.length > 0 ? (
            <Alert type="warning" showIcon message={`${report.errors.length} 行有错误：导入时会跳过这些行，其余行照常导入；也可以改正后重新预检`} />
          ) : (
            <Alert type="success" showIcon message="预检通过，没有错误" />
          )}
          <ImportErrors errors={report.errors} />
        </Space>
      )}
    </Space>
  );
}
