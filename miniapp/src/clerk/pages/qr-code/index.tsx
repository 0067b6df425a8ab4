import { useState } from 'react';
import { Button, Image, Text, View } from '@tarojs/components';
import Taro, { usePullDownRefresh } from '@tarojs/taro';
import { EmptyState, ErrorState, LoadingState } from '../../../components/state-view';
import { PAGES, pullToRefresh } from '../../../utils/nav';
import { useMyQrCode } from '../../hooks/use-my-qr-code';
import { useStaffGuard } from '../../hooks/use-staff-guard';
import { openAlbumSettings, saveImage, SAVE_HINT } from '../../platform/save-image';
import { roleName } from '../../utils/clerk-error';
import './index.scss';

/** 我的二维码: the clerk's own mini-program code; a customer who scans it becomes this clerk's fan. */
export default function ClerkQrCodePage() {
  const session = useStaffGuard(PAGES.clerkQrCode);
  if (!session) {
    return (
      <View className='page'>
        <LoadingState text='正在验证导购身份…' />
      </View>
    );
  }
  return <MyQrCode />;
}

function MyQrCode() {
  const { state, reload } = useMyQrCode();
  const [imageFailed, setImageFailed] = useState(false);
  const [imageKey, setImageKey] = useState(0);
  const [saving, setSaving] = useState(false);
  const [denied, setDenied] = useState(false);
  usePullDownRefresh(() => pullToRefresh(reload));

  const retryImage = () => {
    setImageFailed(false);
    setImageKey((k) => k + 1);
    void reload(); // a fresh signed URL, in case the old one expired
  };

  const save = async () => {
    if (state.status !== 'ready' || saving) return;
    setSaving(true);
    try {
      const outcome = await saveImage(state.qrCode.imageUrl, `导购码-${state.staffName}-${state.qrCode.code}.png`);
      setDenied(outcome === 'denied');
      if (outcome === 'saved') void Taro.showToast({ title: '已保存到相册', icon: 'success' });
      if (outcome === 'opened') void Taro.showToast({ title: '如未开始下载，请长按图片保存', icon: 'none' });
    } catch {
      void Taro.showToast({ title: '保存失败，请检查网络后重试', icon: 'none' });
    } finally {
      setSaving(false);
    }
  };

  const openSettings = async () => {
    if (await openAlbumSettings()) {
      setDenied(false);
      await save();
    }
  };

  if (state.status === 'loading') {
    return (
      <View className='page'>
        <LoadingState />
      </View>
    );
  }
  if (state.status === 'error') {
    return (
      <View className='page'>
        <ErrorState message={state.message} onRetry={() => void reload()} />
      </View>
    );
  }
  if (state.status === 'empty') {
    return (
      <View className='page'>
        <View className='card'>
          <EmptyState title='暂无导购码' text={state.message} />
        </View>
      </View>
    );
  }

  return (
    <View className='page clerk-qr'>
      <View className='card clerk-qr__card'>
        <Text className='clerk-qr__store'>{state.storeName}</Text>
        <Text className='clerk-qr__name'>
          {state.staffName} · {roleName(state.role)}
        </Text>
        <View className='clerk-qr__frame'>
          {imageFailed ? (
            <ErrorState message='二维码图片加载失败' onRetry={retryImage} />
          ) : (
            <Image
              key={imageKey}
              className='clerk-qr__image'
              src={state.qrCode.imageUrl}
              mode='aspectFit'
              showMenuByLongpress
              onError={() => setImageFailed(true)}
            />
          )}
        </View>
        <Text className='clerk-qr__tip'>顾客微信扫码，即成为您的专属粉丝</Text>
      </View>

      <Text className='clerk-qr__hint'>{SAVE_HINT}</Text>
      <Button className='btn btn--primary btn--block clerk-qr__save' loading={saving} disabled={saving || imageFailed} onClick={() => void save()}>
        <Text>保存二维码</Text>
      </Button>

      {denied && (
        <View className='card clerk-qr__denied'>
          <Text className='clerk-qr__denied-text'>无法保存：您未允许小程序访问相册。请在设置中开启「添加到相册」后再保存。</Text>
          <Button className='btn btn--ghost btn--block clerk-qr__settings' onClick={() => void openSettings()}>
            <Text>去设置</Text>
          </Button>
        </View>
      )}
    </View>
  );
}
