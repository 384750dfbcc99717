import { CheckOutlined, CopyOutlined } from '@ant-design/icons';
import { App, Button, Tooltip, type ButtonProps } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { copyText } from '../lib/clipboard';

interface CopyButtonProps {
  text: string;
  /** Shows the word "Copy" next to the icon. */
  withLabel?: boolean;
  size?: ButtonProps['size'];
  type?: ButtonProps['type'];
  className?: string;
}

/** Copies `text` to the clipboard and confirms with a check mark. */
export function CopyButton({
  text,
  withLabel = false,
  size = 'small',
  type = 'text',
  className,
}: CopyButtonProps) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [copied, setCopied] = useState(false);

  useEffect(() => {
    if (!copied) return;
    const timer = window.setTimeout(() => setCopied(false), 2000);
    return () => window.clearTimeout(timer);
  }, [copied]);

  const onClick = async () => {
    if (await copyText(text)) {
      setCopied(true);
      void message.success(t('common.copied'));
    } else {
      void message.error(t('common.copyFailed'));
    }
  };

  const button = (
    <Button
      size={size}
      type={type}
      className={className}
      icon={copied ? <CheckOutlined /> : <CopyOutlined />}
      onClick={() => void onClick()}
      aria-label={t('common.copy')}
    >
      {withLabel ? t('common.copy') : null}
    </Button>
  );
  return withLabel ? button : <Tooltip title={t('common.copy')}>{button}</Tooltip>;
}
