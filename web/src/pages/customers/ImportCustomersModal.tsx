import { FileTextOutlined, InboxOutlined } from '@ant-design/icons';
import { Alert, Button, Col, Modal, Row, Statistic, Table, Tag, Typography, Upload } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { customersApi, type CustomerImportResult } from '../../api';
import { CodeBlock } from '../../components/CodeBlock';
import { useFormatters } from '../../i18n/format';
import { useErrorMessage } from '../../lib/errors';

/** The server's own limit for one import. */
const MAX_BYTES = 100 * 1024 * 1024;

/** A small example file; the name and city are in the reader's language, the column names never are. */
function sampleCsv(user: string, city: string): string {
  return [
    'user_id,name,phone,email,city,gender,birthday',
    `u-1001,${user},13800138000,zhang.wei@example.com,${city},male,1988-05-02`,
    'u-1002,,+8613900139000,,,female,',
  ].join('\n');
}

type ImportError = CustomerImportResult['errors'][number];
const KNOWN_CODES = ['NO_IDENTIFIER', 'INVALID_ROW'] as const;
type KnownCode = (typeof KNOWN_CODES)[number];
const isKnownCode = (code: string): code is KnownCode => (KNOWN_CODES as readonly string[]).includes(code);

function ImportResultView({ result }: { result: CustomerImportResult }) {
  const { t } = useTranslation();
  const format = useFormatters();
  const listed = result.errors.length;
  return (
    <div className="tp-import-result" data-testid="import-result">
      <Row gutter={16}>
        <Col span={8}>
          <Statistic
            title={t('customerImport.rows')}
            value={result.rows}
            formatter={(v) => format.number(Number(v))}
          />
        </Col>
        <Col span={8}>
          <Statistic
            title={t('customerImport.imported')}
            value={result.imported}
            formatter={(v) => format.number(Number(v))}
            styles={{ content: { color: '#16a34a' } }}
          />
        </Col>
        <Col span={8}>
          <Statistic
            title={t('customerImport.rejected')}
            value={result.rejected}
            formatter={(v) => format.number(Number(v))}
            styles={{ content: { color: result.rejected ? '#dc2626' : undefined } }}
          />
        </Col>
      </Row>
      {result.rejected === 0 ? (
        <Alert type="success" showIcon title={t('customerImport.allImported', { count: result.imported })} />
      ) : (
        <Alert
          type="warning"
          showIcon
          title={t('customerImport.someRejected', { rejected: result.rejected, rows: result.rows })}
          description={
            listed < result.rejected ? t('customerImport.errorsTruncated', { count: listed }) : undefined
          }
        />
      )}
      {listed > 0 && (
        <Table<ImportError>
          size="small"
          rowKey={(error) => `${error.row}-${error.code}`}
          dataSource={result.errors}
          pagination={listed > 10 ? { pageSize: 10, size: 'small', showSizeChanger: false } : false}
          data-testid="import-errors"
          columns={[
            { title: t('customerImport.row'), dataIndex: 'row', width: 80 },
            {
              title: t('customerImport.code'),
              dataIndex: 'code',
              width: 170,
              render: (code: string) => (
                <Tag color="red" variant="filled">
                  {isKnownCode(code) ? t(`customerImport.codes.${code}`) : code}
                </Tag>
              ),
            },
            {
              title: t('customerImport.reason'),
              dataIndex: 'reason',
              render: (reason: string) => <Typography.Text type="secondary">{reason}</Typography.Text>,
            },
          ]}
        />
      )}
    </div>
  );
}

/** Uploads a CSV of customers (`POST /customers/import`) and shows what was imported and which rows were not. */
export function ImportCustomersModal({
  open,
  onClose,
  onImported,
}: {
  open: boolean;
  onClose: () => void;
  onImported: (result: CustomerImportResult) => void;
}) {
  const { t } = useTranslation();
  const format = useFormatters();
  const messageOf = useErrorMessage();
  const [file, setFile] = useState<File | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [uploading, setUploading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<CustomerImportResult | null>(null);

  const startOver = () => {
    setFile(null);
    setFileError(null);
    setError(null);
    setResult(null);
  };
  const close = () => {
    if (uploading) return;
    startOver();
    onClose();
  };

  const choose = (chosen: File) => {
    setError(null);
    if (!/\.csv$/i.test(chosen.name)) {
      setFileError(t('customerImport.notCsv'));
      setFile(null);
    } else if (chosen.size > MAX_BYTES) {
      setFileError(t('customerImport.tooLarge'));
      setFile(null);
    } else {
      setFileError(null);
      setFile(chosen);
    }
    return false; // we upload it ourselves, as the body of one request
  };

  const upload = async () => {
    if (!file) return;
    setUploading(true);
    setError(null);
    try {
      const answer = await customersApi.importCsv(file);
      setResult(answer);
      if (answer.imported > 0) onImported(answer);
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setUploading(false);
    }
  };

  const footer = result
    ? [
        <Button key="again" onClick={startOver}>
          {t('customerImport.another')}
        </Button>,
        <Button key="close" type="primary" onClick={close}>
          {t('common.close')}
        </Button>,
      ]
    : [
        <Button key="cancel" onClick={close} disabled={uploading}>
          {t('common.cancel')}
        </Button>,
        <Button
          key="import"
          type="primary"
          onClick={() => void upload()}
          disabled={!file}
          loading={uploading}
          data-testid="import-submit"
        >
          {t('customerImport.submit')}
        </Button>,
      ];

  return (
    <Modal
      open={open}
      title={t('customerImport.title')}
      onCancel={close}
      footer={footer}
      width={680}
      destroyOnHidden
      maskClosable={!uploading}
    >
      {result ? (
        <ImportResultView result={result} />
      ) : (
        <div className="tp-import">
          <Typography.Paragraph type="secondary">{t('customerImport.intro')}</Typography.Paragraph>
          <Upload.Dragger
            accept=".csv,text/csv"
            multiple={false}
            showUploadList={false}
            beforeUpload={choose}
            disabled={uploading}
            data-testid="import-file"
          >
            <p className="ant-upload-drag-icon">
              <InboxOutlined />
            </p>
            <p className="ant-upload-text">{t('customerImport.drop')}</p>
            <p className="ant-upload-hint">{t('customerImport.dropHint')}</p>
          </Upload.Dragger>
          {file && (
            <div className="tp-import-file" data-testid="import-chosen">
              <FileTextOutlined />
              <span className="tp-ellipsis">{file.name}</span>
              <Typography.Text type="secondary">
                {t('customerImport.size', { size: format.number(Math.max(1, Math.round(file.size / 1024))) })}
              </Typography.Text>
            </div>
          )}
          {fileError && <Alert type="error" showIcon title={fileError} style={{ marginTop: 12 }} />}
          {error && <Alert type="error" showIcon title={error} style={{ marginTop: 12 }} />}
          <Typography.Paragraph type="secondary" className="tp-import-help">
            {t('customerImport.columnsHelp')}
          </Typography.Paragraph>
          <Typography.Text strong>{t('customerImport.sample')}</Typography.Text>
          <CodeBlock code={sampleCsv(t('snippets.sampleUser'), t('snippets.sampleCity'))} />
        </div>
      )}
    </Modal>
  );
}
