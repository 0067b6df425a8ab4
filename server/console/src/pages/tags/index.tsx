import { TagsOutlined } from '@ant-design/icons';
import { lazy } from 'react';
import { BRAND, type ConsoleArea } from '../../app/areas';

/** 标签: tags with customer counts (create, rename), manual tagging by an uploaded phone list or by a saved segment. */
export const tagsArea: ConsoleArea = {
  key: 'tags',
  name: '标签',
  icon: <TagsOutlined />,
  order: 50,
  pages: [
    { path: '/tags', name: '标签列表', roles: BRAND, component: lazy(() => import('./TagListPage')) },
    { path: '/tags/bulk-phones', name: '按手机号打标签', roles: BRAND, component: lazy(() => import('./BulkPhonesPage')) },
    { path: '/tags/by-segment', name: '按人群打标签', roles: BRAND, component: lazy(() => import('./SegmentTagPage')) },
  ],
};
