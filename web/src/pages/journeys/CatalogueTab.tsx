import { DeleteOutlined, EditOutlined, PlusOutlined, SyncOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Popconfirm, Progress, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { journeysApi, type Remap, type Touchpoint } from '../../api/journeys';
import { EmptyState } from '../../components/states';
import { useFormatters } from '../../i18n/format';
import { useErrorMessage } from '../../lib/errors';
import { useChannels } from '../../lib/useChannels';
import { useSession } from '../../session/SessionContext';
import { PHASE_COLORS } from './JourneyView';
import { useLocalText, usePercent } from './shared';
import { TouchpointEditor } from './TouchpointEditor';

const REMAP_STORAGE = 'touchpoint.remap';

/**
 * Re-maps every stored event with the current rules (a background job) and follows its progress. The running
 * re-mapping is remembered in this tab so that a reload keeps following it.
 */
function RemapPanel({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const messageOf = useErrorMessage();
  const format = useFormatters();
  const { current } = useSession();
  const storageKey = `${REMAP_STORAGE}.${current?.workspace.id ?? ''}`;
  const [remap, setRemap] = useState<Remap | null>(null);
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [followId, setFollowId] = useState<string | null>(() => {
    try {
      return window.sessionStorage.getItem(storageKey);
    } catch {
      return null;
    }
  });

  useEffect(() => {
    if (!followId) return;
    const controller = new AbortController();
    let timer = 0;
    const poll = () => {
      journeysApi
        .remap(followId, controller.signal)
        .then((answer) => {
          if (controller.signal.aborted) return;
          setRemap(answer);
          if (answer.status === 'running') timer = window.setTimeout(poll, 1000);
          else {
            try {
              window.sessionStorage.removeItem(storageKey);
            } catch {
              // storage unavailable: nothing to forget
            }
            if (answer.status === 'done') onDone();
          }
        })
        .catch((err: unknown) => {
          if (!controller.signal.aborted) setError(err);
        });
    };
    poll();
    return () => {
      controller.abort();
      window.clearTimeout(timer);
    };
  }, [followId, storageKey, onDone]);

  const start = async () => {
    setStarting(true);
    setError(null);
    try {
      const started = await journeysApi.startRemap();
      setRemap(started);
      try {
        window.sessionStorage.setItem(storageKey, started.id);
      } catch {
        // storage unavailable: progress is followed until the page is left
      }
      setFollowId(started.id);
      message.info(t('journeys.remap.started'));
    } catch (err) {
      setError(err);
    } finally {
      setStarting(false);
    }
  };

  const running = remap?.status === 'running';
  return (
    <Card size="small" data-testid="remap-panel">
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Space wrap style={{ justifyContent: 'space-between', width: '100%' }}>
          <div>
            <Typography.Text strong>{t('journeys.remap.title')}</Typography.Text>
            <br />
            <Typography.Text type="secondary" className="tp-small">
              {t('journeys.remap.help')}
            </Typography.Text>
          </div>
          <Popconfirm
            title={t('journeys.remap.confirm')}
            okText={t('journeys.remap.start')}
            cancelText={t('common.cancel')}
            onConfirm={() => void start()}
          >
            <Button
              icon={<SyncOutlined spin={running} />}
              loading={starting}
              disabled={running}
              data-testid="remap-start"
            >
              {t('journeys.remap.start')}
            </Button>
          </Popconfirm>
        </Space>
        {remap && (
          <div data-testid="remap-progress">
            <Progress
              percent={Math.round(remap.progress * 100)}
              status={
                remap.status === 'failed' ? 'exception' : remap.status === 'done' ? 'success' : 'active'
              }
            />
            <Typography.Text type="secondary" className="tp-small">
              {remap.status === 'failed'
                ? t('journeys.remap.failed', { error: remap.error ?? '' })
                : t(remap.status === 'done' ? 'journeys.remap.done' : 'journeys.remap.running', {
                    processed: format.number(remap.processed),
                    total: format.number(remap.total),
                    mapped: format.number(remap.mapped),
                  })}
            </Typography.Text>
          </div>
        )}
        {error !== null && <Alert type="error" showIcon title={messageOf(error)} />}
      </Space>
    </Card>
  );
}

/** The touchpoint catalogue: every touchpoint with its phase, channels, owner, targets and matching rule. */
export function CatalogueTab({
  touchpoints,
  canManage,
  onChanged,
}: {
  touchpoints: Touchpoint[];
  canManage: boolean;
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const messageOf = useErrorMessage();
  const local = useLocalText();
  const percent = usePercent();
  const { nameOf } = useChannels();
  const [editing, setEditing] = useState<Touchpoint | 'new' | null>(null);

  const remove = async (key: string) => {
    try {
      await journeysApi.deleteTouchpoint(key);
      message.success(t('journeys.catalogue.deleted'));
      onChanged();
    } catch (err) {
      message.error(messageOf(err));
    }
  };

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      {canManage && <RemapPanel onDone={onChanged} />}
      <Card
        size="small"
        title={t('journeys.catalogue.title')}
        extra={
          canManage && (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setEditing('new')}
              data-testid="touchpoint-create"
            >
              {t('journeys.catalogue.create')}
            </Button>
          )
        }
      >
        <Table<Touchpoint>
          rowKey="key"
          size="middle"
          dataSource={touchpoints}
          pagination={false}
          scroll={{ x: 1000 }}
          data-testid="touchpoint-table"
          locale={{
            emptyText: (
              <EmptyState
                title={t('journeys.catalogue.emptyTitle')}
                text={t('journeys.catalogue.emptyText')}
              />
            ),
          }}
          columns={[
            {
              title: t('journeys.catalogue.name'),
              key: 'name',
              render: (_, tp) => (
                <Space orientation="vertical" size={0}>
                  <Typography.Text strong>{local(tp.name)}</Typography.Text>
                  <Typography.Text type="secondary" className="tp-mono tp-small">
                    {tp.key}
                  </Typography.Text>
                </Space>
              ),
            },
            {
              title: t('journeys.catalogue.phase'),
              key: 'phase',
              width: 150,
              render: (_, tp) => (
                <Space size={4} wrap>
                  <Tag color={PHASE_COLORS[tp.phase]}>{t(`journeys.phase.${tp.phase}`)}</Tag>
                  <Tag>{tp.stage}</Tag>
                </Space>
              ),
            },
            {
              title: t('journeys.catalogue.channels'),
              key: 'channels',
              render: (_, tp) => (
                <Space size={4} wrap>
                  {tp.channels.map((c) => (
                    <Tag key={c}>{nameOf(c)}</Tag>
                  ))}
                </Space>
              ),
            },
            {
              title: t('journeys.catalogue.rule'),
              key: 'rule',
              render: (_, tp) => (
                <Tooltip title={<code className="tp-break">{JSON.stringify(tp.rule)}</code>}>
                  <Typography.Text className="tp-small">
                    {tp.rule.events.join(', ')}
                    {tp.rule.conditions?.length
                      ? ` · ${t('journeys.catalogue.conditionCount', { count: tp.rule.conditions.length })}`
                      : ''}
                  </Typography.Text>
                </Tooltip>
              ),
            },
            {
              title: t('journeys.catalogue.owner'),
              dataIndex: 'ownerTeam',
              width: 120,
              render: (owner: string | null) => owner ?? '—',
            },
            {
              title: t('journeys.catalogue.targets'),
              key: 'targets',
              width: 160,
              render: (_, tp) => (
                <span className="tp-small">
                  {t('journeys.catalogue.targetValues', {
                    score: tp.targetScore ?? '—',
                    conversion: percent(tp.targetConversion),
                  })}
                </span>
              ),
            },
            {
              title: t('journeys.catalogue.status'),
              dataIndex: 'active',
              width: 90,
              render: (active: boolean) =>
                active ? (
                  <Tag color="green">{t('journeys.catalogue.active')}</Tag>
                ) : (
                  <Tag>{t('journeys.catalogue.inactive')}</Tag>
                ),
            },
            ...(canManage
              ? [
                  {
                    title: t('journeys.catalogue.actions'),
                    key: 'actions',
                    width: 110,
                    fixed: 'right' as const,
                    render: (_: unknown, tp: Touchpoint) => (
                      <Space size={0}>
                        <Tooltip title={t('common.edit')}>
                          <Button
                            type="text"
                            icon={<EditOutlined />}
                            aria-label={t('journeys.catalogue.editNamed', { name: local(tp.name) })}
                            onClick={() => setEditing(tp)}
                            data-testid={`edit-${tp.key}`}
                          />
                        </Tooltip>
                        <Popconfirm
                          title={t('journeys.catalogue.deleteConfirm', { name: local(tp.name) })}
                          description={tp.journeys.length ? t('journeys.catalogue.inJourneys') : undefined}
                          okButtonProps={{ danger: true, disabled: tp.journeys.length > 0 }}
                          okText={t('journeys.catalogue.delete')}
                          cancelText={t('common.cancel')}
                          onConfirm={() => void remove(tp.key)}
                        >
                          <Button
                            type="text"
                            danger
                            icon={<DeleteOutlined />}
                            aria-label={t('journeys.catalogue.deleteNamed', { name: local(tp.name) })}
                          />
                        </Popconfirm>
                      </Space>
                    ),
                  },
                ]
              : []),
          ]}
        />
      </Card>
      <TouchpointEditor
        open={editing !== null}
        touchpoint={editing === 'new' ? null : editing}
        onClose={() => setEditing(null)}
        onSaved={() => {
          setEditing(null);
          onChanged();
        }}
      />
    </Space>
  );
}
