import { PageContainer, ProCard } from '@ant-design/pro-components';
import { useQueryClient } from '@tanstack/react-query';
import { IMPORT_TEMPLATES, STORE_IMPORT_COLUMNS } from '@o2o/shared';
import { importStores } from '../../api/stores';
import { CsvImport } from '../../components/CsvImport';

/** 门店批量导入: the same flow as the list's 导入 dialog, on a page of its own (bookmarkable, room for long reports). */
export default function StoreImportPage() {
  const qc = useQueryClient();
  return (
    <PageContainer title="门店批量导入" content="按门店编码导入：新编码新建门店，已有编码更新名称、城市、区域、地址和状态；同一文件重复导入不会重复创建。">
      <ProCard>
        <CsvImport columns={STORE_IMPORT_COLUMNS} template={IMPORT_TEMPLATES.stores} run={importStores} onApplied={() => qc.invalidateQueries({ queryKey: ['stores'] })} />
      </ProCard>
    </PageContainer>
  );
}
