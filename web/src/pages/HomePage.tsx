import { ArrowRightOutlined, BookOutlined, ReloadOutlined } from '@ant-design/icons';
import {
  Button,
  Card,
  Col,
  Descriptions,
  Progress,
  Result,
  Row,
  Skeleton,
  Space,
  Steps,
  Typography,
} from 'antd';
import { useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { membersApi, writeKeysApi, type Member, type Page, type WriteKey } from '../api';
import { CodeBlock } from '../components/CodeBlock';
import { InstallSnippets } from '../components/InstallSnippets';
import { PageHeader } from '../components/PageHeader';
import { RoleTag } from '../components/RoleTag';
import { ErrorState } from '../components/states';
import { useFormatters } from '../i18n/format';
import { CreateWorkspaceModal } from '../layout/CreateWorkspaceModal';
import { useCursorList } from '../lib/useCursorList';
import { useDocumentTitle } from '../lib/useDocumentTitle';
import { displayName, useSession } from '../session/SessionContext';

const emptyPage = <T,>(): Promise<Page<T>> => Promise.resolve({ data: [], nextCursor: null });

function NoWorkspace() {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  useDocumentTitle(t('home.title'));
  return (
    <>
      <Result
        status="info"
        title={t('errors.noWorkspaceTitle')}
        subTitle={t('errors.noWorkspace')}
        extra={
          <Button type="primary" onClick={() => setOpen(true)}>
            {t('header.createWorkspace')}
          </Button>
        }
      />
      <CreateWorkspaceModal open={open} onClose={() => setOpen(false)} />
    </>
  );
}

function StepAction({ allowed, to, children }: { allowed: boolean; to: string; children: ReactNode }) {
  const { t } = useTranslation();
  if (!allowed) return <Typography.Text type="secondary">{t('home.askAdmin')}</Typography.Text>;
  return (
    <Link to={to}>
      <Button icon={<ArrowRightOutlined />} iconPlacement="end">
        {children}
      </Button>
    </Link>
  );
}

/** The start page of a workspace: who you are there and the real next steps to get data flowing. */
export function HomePage() {
  const { t } = useTranslation();
  const format = useFormatters();
  const { info, current, can } = useSession();

  const canReadKeys = can('write_keys.read');
  const canReadMembers = can('members.read');
  const keys = useCursorList<WriteKey>(
    ({ cursor, signal }) => (canReadKeys ? writeKeysApi.list({ cursor, signal, limit: 100 }) : emptyPage()),
    String(canReadKeys),
  );
  const members = useCursorList<Member>(
    ({ cursor, signal }) => (canReadMembers ? membersApi.list({ cursor, signal, limit: 100 }) : emptyPage()),
    String(canReadMembers),
  );

  const activeKeys = useMemo(() => keys.items.filter((k) => !k.revokedAt), [keys.items]);
  const lastEventAt = useMemo(
    () =>
      keys.items
        .map((k) => k.lastUsedAt)
        .filter((v): v is string => v !== null)
        .sort()
        .at(-1) ?? null,
    [keys.items],
  );

  if (!current) return <NoWorkspace />;
  const workspace = current.workspace;

  const keyDone = activeKeys.length > 0;
  const eventDone = lastEventAt !== null;
  const teamDone = members.items.length > 1;
  const done = [keyDone, eventDone, teamDone].filter(Boolean).length;
  const origin = window.location.origin;
  const loading = keys.loading || members.loading;
  const listError: unknown = keys.error ?? members.error;
  const retry = () => {
    keys.reload();
    members.reload();
  };

  const stepItems = [
    {
      title: t('home.stepWriteKeyTitle'),
      // Without permission to read write keys the state is unknown: neither done nor the current step.
      status: !canReadKeys ? ('wait' as const) : keyDone ? ('finish' as const) : ('process' as const),
      content: (
        <div className="tp-step">
          <Typography.Paragraph type="secondary">{t('home.stepWriteKeyText')}</Typography.Paragraph>
          {keyDone ? (
            <Typography.Text type="success">
              {t('home.stepWriteKeyDone', { count: activeKeys.length })}
            </Typography.Text>
          ) : (
            <StepAction allowed={can('write_keys.manage')} to="/settings/write-keys?create=1">
              {t('home.stepWriteKeyAction')}
            </StepAction>
          )}
        </div>
      ),
    },
    {
      title: t('home.stepEventTitle'),
      status: eventDone ? ('finish' as const) : keyDone ? ('process' as const) : ('wait' as const),
      content: (
        <div className="tp-step">
          <Typography.Paragraph type="secondary">{t('home.stepEventText')}</Typography.Paragraph>
          {!canReadKeys ? (
            <Typography.Text type="secondary">{t('home.askAdmin')}</Typography.Text>
          ) : activeKeys[0] ? (
            <InstallSnippets writeKey={activeKeys[0].key} />
          ) : (
            <Typography.Paragraph type="secondary" italic>
              {t('home.stepEventNeedsKey')}
            </Typography.Paragraph>
          )}
          {keyDone && eventDone && lastEventAt && (
            <Typography.Text type="success">
              {t('home.stepEventDone', { time: format.relative(lastEventAt) })}
            </Typography.Text>
          )}
          {keyDone && !eventDone && (
            <Space size={4}>
              <Typography.Text type="secondary">{t('home.stepEventWaiting')}</Typography.Text>
              <Button type="link" size="small" icon={<ReloadOutlined />} onClick={keys.reload}>
                {t('home.checkAgain')}
              </Button>
            </Space>
          )}
        </div>
      ),
    },
    {
      title: t('home.stepTeamTitle'),
      status: teamDone ? ('finish' as const) : ('wait' as const),
      content: (
        <div className="tp-step">
          <Typography.Paragraph type="secondary">{t('home.stepTeamText')}</Typography.Paragraph>
          <Space wrap>
            {canReadMembers && members.items.length > 0 && (
              <Typography.Text type={teamDone ? 'success' : 'secondary'}>
                {t('home.stepTeamDone', { count: members.items.length })}
              </Typography.Text>
            )}
            <StepAction allowed={canReadMembers} to="/settings/members">
              {t('home.stepTeamAction')}
            </StepAction>
          </Space>
        </div>
      ),
    },
    {
      title: t('home.stepApiKeyTitle'),
      status: 'wait' as const,
      content: (
        <div className="tp-step">
          <Typography.Paragraph type="secondary">{t('home.stepApiKeyText')}</Typography.Paragraph>
          <StepAction allowed={can('api_keys.read')} to="/settings/api-keys">
            {t('home.stepApiKeyAction')}
          </StepAction>
        </div>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title={t('home.greeting', { name: displayName(info) })}
        documentTitle={t('home.title')}
        description={t('home.intro', { role: t(`roles.${current.role}`), workspace: workspace.name })}
      />
      <Row gutter={[20, 20]}>
        <Col xs={24} xl={16}>
          <Card
            title={t('home.stepsTitle', { workspace: workspace.name })}
            extra={
              !loading &&
              canReadKeys &&
              canReadMembers && (
                <Space size={8}>
                  <Typography.Text type="secondary">{t('home.progress', { done, total: 3 })}</Typography.Text>
                  <Progress type="circle" percent={Math.round((done / 3) * 100)} size={28} showInfo={false} />
                </Space>
              )
            }
            data-testid="getting-started"
          >
            {listError ? (
              <ErrorState error={listError} onRetry={retry} />
            ) : loading ? (
              <Skeleton active paragraph={{ rows: 8 }} />
            ) : (
              <Steps
                orientation="vertical"
                items={stepItems}
                current={Math.max(
                  0,
                  stepItems.findIndex((step) => step.status === 'process'),
                )}
                className="tp-steps"
              />
            )}
          </Card>
        </Col>
        <Col xs={24} xl={8}>
          <Space orientation="vertical" size={20} style={{ width: '100%' }}>
            <Card title={t('home.workspaceCard')}>
              <Descriptions
                column={1}
                size="small"
                items={[
                  { key: 'name', label: t('workspaceSettings.name'), children: workspace.name },
                  {
                    key: 'slug',
                    label: t('home.slug'),
                    children: <Typography.Text code>{workspace.slug}</Typography.Text>,
                  },
                  { key: 'role', label: t('home.yourRole'), children: <RoleTag role={current.role} /> },
                  { key: 'tz', label: t('home.timeZone'), children: workspace.timeZone },
                  {
                    key: 'lng',
                    label: t('home.defaultLanguage'),
                    children: t(`language.${workspace.defaultLocale}`),
                  },
                  { key: 'created', label: t('home.createdAt'), children: format.date(workspace.createdAt) },
                ]}
              />
            </Card>
            <Card title={t('home.resourcesCard')}>
              <Space orientation="vertical" size={12} style={{ width: '100%' }}>
                <a href="/api/docs" target="_blank" rel="noreferrer">
                  <BookOutlined /> {t('home.resourceDocs')}
                </a>
                <div>
                  <Typography.Text strong>{t('home.resourceTracking')}</Typography.Text>
                  <CodeBlock code={`${origin}/v1`} />
                  <Typography.Text type="secondary">{t('home.resourceTrackingHelp')}</Typography.Text>
                </div>
              </Space>
            </Card>
          </Space>
        </Col>
      </Row>
    </>
  );
}
