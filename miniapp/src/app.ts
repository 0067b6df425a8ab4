import type { PropsWithChildren } from 'react';
import { useLaunch } from '@tarojs/taro';
import { setReloginHandler } from './api/request';
import { reloginConsumer } from './services/consumer-session';
import './app.scss';
import './styles/h5-fixes';

// Composition root: the request wrapper logs consumers in again through the platform login on a 401.
setReloginHandler(reloginConsumer);

function App({ children }: PropsWithChildren) {
  useLaunch(() => {
    // Login happens on the entry page, which receives the QR `scene`.
  });

  // children: the page being rendered
  return children;
}

export default App;
