/**
 * Stand-in for `@tarojs/taro` under jest: the APIs the app uses, as jest.fn()s with sensible defaults.
 * Call `resetTaroMock()` in `beforeEach`; tests then program `request`, `login` and `useRouter`.
 */
const storage = new Map<string, unknown>();

export const request = jest.fn();
export const login = jest.fn();
export const getStorageSync = jest.fn();
export const setStorageSync = jest.fn();
export const removeStorageSync = jest.fn();
export const showToast = jest.fn();
export const useRouter = jest.fn();
export const useLaunch = jest.fn();
export const useLoad = jest.fn();
export const useDidShow = jest.fn();
export const useError = jest.fn();

export function resetTaroMock(): void {
  storage.clear();
  for (const fn of [request, login, getStorageSync, setStorageSync, removeStorageSync, showToast, useRouter]) {
    fn.mockReset();
  }
  getStorageSync.mockImplementation((key: string) => (storage.has(key) ? storage.get(key) : ''));
  setStorageSync.mockImplementation((key: string, value: unknown) => {
    storage.set(key, value);
  });
  removeStorageSync.mockImplementation((key: string) => {
    storage.delete(key);
  });
  useRouter.mockReturnValue({ params: {}, path: '/pages/index/index' });
  request.mockRejectedValue({ errMsg: 'request:fail no mock programmed' });
}

resetTaroMock();

const Taro = {
  request,
  login,
  getStorageSync,
  setStorageSync,
  removeStorageSync,
  showToast,
  useRouter,
  useLaunch,
  useLoad,
  useDidShow,
  useError,
};

export default Taro;
