import { Button, Text, View } from '@tarojs/components';
import './index.scss';

/** Full-page loading, error (with retry) and empty states, shared by every page. */
export function LoadingState({ text = '加载中…' }: { text?: string }) {
  return (
    <View className='state-view'>
      <View className='state-view__spinner' />
      <Text className='state-view__text'>{text}</Text>
    </View>
  );
}

export function ErrorState({ message, onRetry, actionText = '重试' }: { message: string; onRetry?: () => void; actionText?: string }) {
  return (
    <View className='state-view'>
      <Text className='state-view__title'>出错了</Text>
      <Text className='state-view__text'>{message}</Text>
      {onRetry && (
        <Button className='btn btn--ghost state-view__action' onClick={onRetry}>
          <Text>{actionText}</Text>
        </Button>
      )}
    </View>
  );
}

export function EmptyState({ title, text }: { title: string; text?: string }) {
  return (
    <View className='state-view state-view--inline'>
      <Text className='state-view__title'>{title}</Text>
      {text && <Text className='state-view__text'>{text}</Text>}
    </View>
  );
}
