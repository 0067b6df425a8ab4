/**
 * Stand-in for `@tarojs/taro` under jest: the APIs the app uses, as jest.fn()s with sensible defaults.
 * Call `resetTaroMock()` in `beforeEach`; tests then program `request`, `login` and `useRouter`, and fire
 * page events with `firePullDownRefresh()` / `fireReachBottom()` (the latest registered handler runs).
 */
const storage = new Map<string, unknown>();
const pageHandlers: { pullDownRefresh?: () => unknown; reachBottom?: () => unknown; didShow?: () => unknown; didHide?: () => unknown } = {};

export const request = jest.fn();
export const login = jest.fn();
export const getStorageSync = jest.fn();
export const setStorageSync = jest.fn();
export const removeStorageSync = jest.fn();
export const showToast = jest.fn();
export const navigateTo = jest.fn();
export const redirectTo = jest.fn();
export const stopPullDownRefresh = jest.fn();
export const pageScrollTo = jest.fn();
export const scanCode = jest.fn();
export const requestPayment = jest.fn();
export const showModal = jest.fn();
export const navigateBack = jest.fn();
export const setKeepScreenOn = jest.fn();
export const getScreenBrightness = jest.fn();
export const setScreenBrightness = jest.fn();
export const getLocation = jest.fn();
export const getCurrentPages = jest.fn();
const networkListeners = new Set<(res: { isConnected: boolean; networkType: string }) => void>();
export const onNetworkStatusChange = jest.fn((fn: (res: { isConnected: boolean; networkType: string }) => void) => {
  networkListeners.add(fn);
});
export const offNetworkStatusChange = jest.fn((fn: (res: { isConnected: boolean; networkType: string }) => void) => {
  networkListeners.delete(fn);
});

/** The phone's network came back (or went away): the listeners registered with onNetworkStatusChange run. */
export function fireNetworkStatus(isConnected: boolean): void {
  for (const fn of [...networkListeners]) fn({ isConnected, networkType: isConnected ? 'wifi' : 'none' });
}
export const downloadFile = jest.fn();
export const saveImageToPhotosAlbum = jest.fn();
export const openSetting = jest.fn();
export const useRouter = jest.fn();
export const useLaunch = jest.fn();
export const useLoad = jest.fn();
export const useDidShow = jest.fn((fn: () => unknown) => {
  pageHandlers.didShow = fn;
});
export const useDidHide = jest.fn((fn: () => unknown) => {
  pageHandlers.didHide = fn;
});
export const getWindowInfo = jest.fn(() => ({ pixelRatio: 2 }));
/** Runs the callback at once (jsdom has no render cycle to wait for). */
export const nextTick = jest.fn((fn: () => void) => fn());
/** Tests that draw on a Canvas program this: `select(id).fields(...).exec(cb)` → cb([{ node, width, height }]). */
export const createSelectorQuery = jest.fn();
export const requestSubscribeMessage = jest.fn();
export const useError = jest.fn();
export const usePullDownRefresh = jest.fn((fn: () => unknown) => {
  pageHandlers.pullDownRefresh = fn;
});
export const useReachBottom = jest.fn((fn: () => unknown) => {
  pageHandlers.reachBottom = fn;
});

/** Runs the page's pull-down-refresh handler and waits for it. */
export async function firePullDownRefresh(): Promise<void> {
  if (!pageHandlers.pullDownRefresh) throw new Error('the page registered no usePullDownRefresh handler');
  await pageHandlers.pullDownRefresh();
}

/** The app came back to the foreground / went to the background (the latest page's handlers run). */
export function fireDidShow(): void {
  pageHandlers.didShow?.();
}
export function fireDidHide(): void {
  pageHandlers.didHide?.();
}

/** Runs the page's reach-bottom handler. */
export function fireReachBottom(): void {
  if (!pageHandlers.reachBottom) throw new Error('the page registered no useReachBottom handler');
  pageHandlers.reachBottom();
}

export function resetTaroMock(): void {
  storage.clear();
  delete pageHandlers.pullDownRefresh;
  delete pageHandlers.reachBottom;
  delete pageHandlers.didShow;
  delete pageHandlers.didHide;
  networkListeners.clear();
  for (const fn of [
    request,
    login,
    getStorageSync,
    setStorageSync,
    removeStorageSync,
    showToast,
    navigateTo,
    redirectTo,
    stopPullDownRefresh,
    pageScrollTo,
    scanCode,
    requestPayment,
    showModal,
    navigateBack,
    setKeepScreenOn,
    getScreenBrightness,
    setScreenBrightness,
    getLocation,
    getCurrentPages,
    downloadFile,
    saveImageToPhotosAlbum,
    openSetting,
    requestSubscribeMessage,
    useRouter,
  ]) {
    fn.mockReset();
  }
  getStorageSync.mockImplementation((key: string) => (storage.has(key) ? storage.get(key) : ''));
  setStorageSync.mockImplementation((key: string, value: unknown) => {
    storage.set(key, JSON.parse(JSON.stringify(value)));
  });
  removeStorageSync.mockImplementation((key: string) => {
    storage.delete(key);
  });
  useRouter.mockReturnValue({ params: {}, path: '/pages/index/index' });
  request.mockRejectedValue({ errMsg: 'request:fail no mock programmed' });
  for (const fn of [showToast, navigateTo, redirectTo, pageScrollTo, requestPayment, navigateBack, setKeepScreenOn, setScreenBrightness]) fn.mockResolvedValue({ errMsg: 'ok' });
  getScreenBrightness.mockResolvedValue({ value: 0.4, errMsg: 'getScreenBrightness:ok' });
  getLocation.mockRejectedValue({ errMsg: 'getLocation:fail auth deny' });
  getCurrentPages.mockReturnValue([{ route: 'pages/index/index' }, { route: 'pages/current/index' }]);
  requestSubscribeMessage.mockResolvedValue({ errMsg: 'requestSubscribeMessage:ok' });
  downloadFile.mockRejectedValue({ errMsg: 'downloadFile:fail no mock programmed' });
  saveImageToPhotosAlbum.mockResolvedValue({ errMsg: 'saveImageToPhotosAlbum:ok' });
  openSetting.mockResolvedValue({ errMsg: 'openSetting:ok', authSetting: {} });
}

resetTaroMock();

const Taro = {
  request,
  login,
  getStorageSync,
  setStorageSync,
  removeStorageSync,
  showToast,
  navigateTo,
  redirectTo,
  stopPullDownRefresh,
  pageScrollTo,
  scanCode,
  requestPayment,
  showModal,
  navigateBack,
  setKeepScreenOn,
  getScreenBrightness,
  setScreenBrightness,
  getLocation,
  getCurrentPages,
  onNetworkStatusChange,
  offNetworkStatusChange,
  downloadFile,
  saveImageToPhotosAlbum,
  openSetting,
  useRouter,
  useLaunch,
  useLoad,
  useDidShow,
  useDidHide,
  getWindowInfo,
  nextTick,
  createSelectorQuery,
  requestSubscribeMessage,
  useError,
  usePullDownRefresh,
  useReachBottom,
};

export default Taro;
