import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { channelsApi, type Channel } from '../api';
import { isLocale } from '../i18n';
import { useSession } from '../session/SessionContext';

/** The catalogue changes rarely: one request per workspace and page load is enough. */
const cache = new Map<string, Promise<Channel[]>>();

function loadChannels(workspaceId: string): Promise<Channel[]> {
  let pending = cache.get(workspaceId);
  if (!pending) {
    pending = channelsApi.list().then((answer) => answer.data);
    // A failed request is not remembered, so the next page tries again.
    pending.catch(() => cache.delete(workspaceId));
    cache.set(workspaceId, pending);
  }
  return pending;
}

export interface Channels {
  channels: Channel[];
  /** The channel's name in the UI language; the key itself for a channel the catalogue does not know. */
  nameOf: (key: string) => string;
}

/** The workspace's channel catalogue (`GET /channels`), with names in the current UI language. */
export function useChannels(): Channels {
  const { i18n } = useTranslation();
  const { current } = useSession();
  const workspaceId = current?.workspace.id ?? null;
  const [channels, setChannels] = useState<Channel[]>([]);

  useEffect(() => {
    if (!workspaceId) return;
    let active = true;
    loadChannels(workspaceId)
      .then((list) => {
        if (active) setChannels(list);
      })
      // Without the catalogue, channels show by key: the page stays usable.
      .catch(() => undefined);
    return () => {
      active = false;
    };
  }, [workspaceId]);

  const language = i18n.resolvedLanguage;
  const nameOf = useCallback(
    (key: string) => {
      const channel = channels.find((c) => c.key === key);
      if (!channel) return key;
      return isLocale(language) ? channel.name[language] : channel.name.en;
    },
    [channels, language],
  );
  return { channels, nameOf };
}
