import {
  AlertOutlined,
  ArrowRightOutlined,
  CheckCircleOutlined,
  EditOutlined,
  FileTextOutlined,
  LinkOutlined,
  LockOutlined,
  MessageOutlined,
  PlusCircleOutlined,
  StarOutlined,
  SwapOutlined,
  UserSwitchOutlined,
} from '@ant-design/icons';
import { Tag, Timeline, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaseEntry, CasePriority, CaseStatus } from '../../api/cases';
import { TimeText } from '../../components/TimeText';
import { useFormatters } from '../../i18n/format';
import { PriorityTag, StatusTag, useActorName, type CaseLookups } from './caseDisplay';

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

interface Props {
  entries: CaseEntry[];
  lookups: CaseLookups;
  channelName: (key: string) => string;
}

/** The case's story, oldest first: messages, internal notes, status and field changes, SLA and escalation. */
export function CaseTimeline({ entries, lookups, channelName }: Props) {
  const { t } = useTranslation();
  const format = useFormatters();
  const actorName = useActorName(lookups.memberName);

  const fieldValue = (field: string, value: unknown): ReactNode => {
    if (value === null || value === undefined || value === '') return t('common.none');
    if (field === 'priority' && typeof value === 'string')
      return <PriorityTag priority={value as CasePriority} />;
    if (field === 'category' && typeof value === 'string') return lookups.categoryName(value);
    if (Array.isArray(value)) return value.join(', ') || t('common.none');
    return String(value);
  };

  const describe = (e: CaseEntry): { icon: ReactNode; color: string; title: ReactNode; body?: ReactNode } => {
    const d = e.data;
    switch (e.kind) {
      case 'created':
        return {
          icon: <PlusCircleOutlined />,
          color: 'blue',
          title: t('cases.timeline.created', {
            source: t(`cases.source.${str(d.source) ?? 'api'}` as 'cases.source.api', {
              defaultValue: str(d.source) ?? '',
            }),
          }),
          body: d.queued ? (
            <Typography.Text type="secondary">
              {t('cases.timeline.queued', { team: lookups.teamName(str(d.teamId)) })}
            </Typography.Text>
          ) : d.assigneeId ? (
            <Typography.Text type="secondary">
              {t('cases.timeline.routedTo', {
                who: lookups.memberName(str(d.assigneeId)),
                team: lookups.teamName(str(d.teamId)),
              })}
            </Typography.Text>
          ) : undefined,
        };
      case 'message': {
        const inbound = e.direction === 'inbound';
        return {
          icon: <MessageOutlined />,
          color: inbound ? 'gray' : 'green',
          title: inbound
            ? t('cases.timeline.inbound')
            : t('cases.timeline.outbound', { who: actorName(e.actor) }),
          body: <div className={`tp-case-message ${inbound ? 'is-inbound' : 'is-outbound'}`}>{e.body}</div>,
        };
      }
      case 'note':
        return {
          icon: <LockOutlined />,
          color: 'orange',
          title: t('cases.timeline.note', { who: actorName(e.actor) }),
          body: (
            <div className="tp-case-message is-note" data-testid="timeline-note">
              {e.body}
            </div>
          ),
        };
      case 'status':
        return {
          icon: <SwapOutlined />,
          color: 'blue',
          title: (
            <span data-testid="timeline-status">
              {t('cases.timeline.status', { who: actorName(e.actor) })}{' '}
              <StatusTag status={str(d.from) as CaseStatus} /> <ArrowRightOutlined />{' '}
              <StatusTag status={str(d.to) as CaseStatus} />
            </span>
          ),
          body: e.body ? <Typography.Text type="secondary">{e.body}</Typography.Text> : undefined,
        };
      case 'resolution': {
        const r = (d.resolution ?? {}) as {
          code?: string;
          rootCause?: string;
          steps?: string[];
          note?: string;
        };
        return {
          icon: <CheckCircleOutlined />,
          color: 'green',
          title: (
            <span data-testid="timeline-resolution">
              {t('cases.timeline.resolved', { who: actorName(e.actor) })}
            </span>
          ),
          body: (
            <div className="tp-case-resolution-box">
              {r.code && (
                <div>
                  <Typography.Text type="secondary">{t('cases.resolution.code')}: </Typography.Text>
                  {t(`cases.resolutionCode.${r.code}` as 'cases.resolutionCode.fixed', {
                    defaultValue: r.code,
                  })}
                </div>
              )}
              {r.rootCause && (
                <div>
                  <Typography.Text type="secondary">{t('cases.resolution.rootCause')}: </Typography.Text>
                  {r.rootCause}
                </div>
              )}
              {r.steps && r.steps.length > 0 && (
                <div>
                  {r.steps.map((s) => (
                    <Tag key={s} color="green">
                      {t(`cases.steps.${s}` as 'cases.steps.listen', { defaultValue: s })}
                    </Tag>
                  ))}
                </div>
              )}
              {r.note && <div className="tp-muted">{r.note}</div>}
              {e.body && <div className="tp-muted">{e.body}</div>}
            </div>
          ),
        };
      }
      case 'field': {
        const field = str(d.field) ?? '';
        return {
          icon: <EditOutlined />,
          color: 'gray',
          title: t('cases.timeline.field', {
            who: actorName(e.actor),
            field: t(`cases.fields.${field}` as 'cases.fields.priority', { defaultValue: field }),
          }),
          body: (
            <span className="tp-case-change">
              {fieldValue(field, d.from)} <ArrowRightOutlined /> {fieldValue(field, d.to)}
            </span>
          ),
        };
      }
      case 'assignment': {
        const to = str(d.to);
        const reason = str(d.reason) ?? '';
        const reasonKey = reason.startsWith('escalation') ? 'escalation' : reason;
        return {
          icon: <UserSwitchOutlined />,
          color: 'purple',
          title: d.queued
            ? t('cases.timeline.queuedBy', { who: actorName(e.actor), team: lookups.teamName(str(d.teamId)) })
            : t('cases.timeline.assigned', {
                who: actorName(e.actor),
                to: lookups.memberName(to),
                team: lookups.teamName(str(d.teamId)),
              }),
          body: reason ? (
            <Typography.Text type="secondary">
              {t(`cases.assignReason.${reasonKey}` as 'cases.assignReason.manual', { defaultValue: reason })}
            </Typography.Text>
          ) : undefined,
        };
      }
      case 'link':
        return {
          icon: <LinkOutlined />,
          color: 'gray',
          title: t('cases.timeline.linked', { channel: channelName(str(d.channel) ?? '') }),
          body: e.body ? <div className="tp-case-message is-inbound">{e.body}</div> : undefined,
        };
      case 'sla': {
        const target = str(d.target) === 'first_response' ? 'firstResponse' : 'resolution';
        const dueAt = typeof d.dueAt === 'number' ? new Date(d.dueAt).toISOString() : null;
        return {
          icon: <AlertOutlined />,
          color: 'red',
          title: (
            <span className="tp-case-breach">
              {t('cases.timeline.slaBreached', { target: t(`cases.sla.${target}`) })}
            </span>
          ),
          body: dueAt ? (
            <Typography.Text type="secondary">
              {t('cases.sla.dueAt', { time: format.dateTime(dueAt) })}
            </Typography.Text>
          ) : undefined,
        };
      }
      case 'escalation': {
        const action = str(d.action) ?? '';
        let detail: ReactNode = null;
        if (action === 'raise_priority')
          detail = (
            <span className="tp-case-change">
              {fieldValue('priority', d.from)} <ArrowRightOutlined /> {fieldValue('priority', d.to)}
            </span>
          );
        else if (action === 'reassign')
          detail = d.skipped
            ? t('cases.timeline.noSupervisor')
            : t('cases.timeline.reassigned', {
                to: lookups.memberName(str(d.assigneeId)),
                team: lookups.teamName(str(d.teamId)),
              });
        else if (action === 'notify') {
          const emails = Array.isArray(d.emails) ? d.emails.length : 0;
          const hooks = typeof d.webhooks === 'number' ? d.webhooks : 0;
          detail = t('cases.timeline.notified', { emails, webhooks: hooks });
        }
        return {
          icon: <AlertOutlined />,
          color: 'red',
          title: t('cases.timeline.escalation', {
            rule: str(d.rule) ?? '',
            action: t(`cases.actions.${action}` as 'cases.actions.notify', { defaultValue: action }),
          }),
          body: detail ? <Typography.Text type="secondary">{detail}</Typography.Text> : undefined,
        };
      }
      case 'rating':
        return {
          icon: <StarOutlined />,
          color: 'gold',
          title: t('cases.timeline.rating', {
            score: typeof d.score === 'number' ? format.number(d.score) : '?',
            metric: str(d.metric)?.toUpperCase() ?? '',
          }),
          body: e.body ? <div className="tp-case-message is-inbound">{e.body}</div> : undefined,
        };
      default:
        return { icon: <FileTextOutlined />, color: 'gray', title: e.kind, body: e.body ?? undefined };
    }
  };

  return (
    <Timeline
      className="tp-case-timeline"
      data-testid="case-timeline"
      items={entries.map((e) => {
        const x = describe(e);
        return {
          key: e.id,
          color: x.color,
          icon: x.icon,
          content: (
            <div className={`tp-case-entry kind-${e.kind}`} data-kind={e.kind}>
              <div className="tp-case-entry-head">
                <span className="tp-case-entry-title">{x.title}</span>
                <Typography.Text type="secondary" className="tp-case-entry-time">
                  <TimeText iso={e.createdAt} />
                </Typography.Text>
              </div>
              {x.body && <div className="tp-case-entry-body">{x.body}</div>}
            </div>
          ),
        };
      })}
    />
  );
}
