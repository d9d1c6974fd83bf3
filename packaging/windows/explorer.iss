; Spine Treatment Explorer: the per-user Windows installer (Inno Setup 6).
;
; Built by the Windows workflow (.github/workflows/windows-installer.yml) from the bundle
; that `python .ci/bootstrap.py package` leaves in dist\spine-treatment-explorer:
;
;   iscc /DAppVersion=0.1.0 packaging\windows\explorer.iss
;
; The version comes from pyproject.toml (`python .ci/package.py --print-version`).
; Installs without administrator rights into the user's programs folder
; (%LOCALAPPDATA%\Programs\Spine Treatment Explorer). The data (consults, PIN, backups,
; logs) is in %LOCALAPPDATA%\SpineTreatmentExplorer and the window's settings in the
; registry (HKCU\Software\SpineTreatmentExplorer): no version ever installs or removes
; either; an update replaces the program only, and the program upgrades the database at
; its first start. Uninstalling keeps the data unless the user ticks its removal (or IT
; passes /DELETEDATA=yes to a silent uninstall). See docs/install.md.

#ifndef AppVersion
  #error Pass the version from pyproject.toml: iscc /DAppVersion=X.Y.Z explorer.iss
#endif
#define AppName "Spine Treatment Explorer"
#define Bundle "..\..\dist\spine-treatment-explorer"
#define DataFolder "{localappdata}\SpineTreatmentExplorer"

[Setup]
; The same AppId in every version: a newer installer updates the installed one in place.
AppId={{6F1C2B7E-93A4-4B51-9C0D-5E2A8D417B36}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Spine Treatment Explorer
; Per user, no administrator rights: {autopf} is then the user's programs folder
; (%LOCALAPPDATA%\Programs). /ALLUSERS on the command line is honoured, but the data
; folder and PATH entry stay per user: the per-user install is the supported one.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=commandline
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
UsePreviousAppDir=yes
; An update closes a running copy first (Restart Manager), so no file stays in use.
CloseApplications=yes
RestartApplications=no
ChangesEnvironment=yes
OutputDir=..\..\dist
OutputBaseFilename=spine-treatment-explorer-{#AppVersion}-windows-x64-setup
UninstallDisplayIcon={app}\explorer-gui.exe
UninstallDisplayName={#AppName}
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked
Name: "addtopath"; Description: "Add the command line (spine-explorer) to my PATH, for staff exports"; GroupDescription: "Command line:"

[InstallDelete]
; Files of the previous version that this one no longer has (an old Qt or Python module)
; must not stay beside the new ones. Only the program folder: never the data folder.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#Bundle}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
Source: "spine-explorer.cmd"; DestDir: "{app}"; Flags: ignoreversion

[Icons]
; The Start-menu entry opens the window (no console).
Name: "{group}\{#AppName}"; Filename: "{app}\explorer-gui.exe"; WorkingDir: "{userdocs}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\explorer-gui.exe"; WorkingDir: "{userdocs}"; Tasks: desktopicon

[Registry]
; The program folder on the user's PATH: `spine-explorer export …` (or the full path to
; explorer.exe) from a command prompt. Plain `explorer` is Windows' own file manager,
; which comes first on every PATH.
Root: HKCU; Subkey: "Environment"; ValueType: expandsz; ValueName: "Path"; ValueData: "{olddata};{app}"; Tasks: addtopath; Check: NeedsAddPath(ExpandConstant('{app}'))

[Run]
Filename: "{app}\explorer-gui.exe"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[Code]
function NeedsAddPath(Folder: string): Boolean;
var
  Path: string;
begin
  if not RegQueryStringValue(HKCU, 'Environment', 'Path', Path) then
  begin
    Result := True;
    exit;
  end;
  Result := Pos(';' + Uppercase(Folder) + ';', ';' + Uppercase(Path) + ';') = 0;
end;

procedure RemoveFromPath(Folder: string);
var
  Path: string;
  P: Integer;
begin
  if not RegQueryStringValue(HKCU, 'Environment', 'Path', Path) then
    exit;
  P := Pos(';' + Uppercase(Folder), Uppercase(Path));
  if P > 0 then
  begin
    Delete(Path, P, Length(Folder) + 1);
    // The value was made by this installer when it held nothing else: remove it whole.
    if Path = '' then
      RegDeleteValue(HKCU, 'Environment', 'Path')
    else
      RegWriteExpandStringValue(HKCU, 'Environment', 'Path', Path);
  end;
end;

function DeleteDataRequested(): Boolean;
begin
  // Silent uninstall (IT): only with /DELETEDATA=yes. Otherwise ask, with "No" the default.
  if UninstallSilent() then
    Result := Lowercase(ExpandConstant('{param:DELETEDATA|no}')) = 'yes'
  else
    Result := MsgBox('Also delete the consults, the PIN and the settings of this user?' + #13#10 +
      'They are in ' + ExpandConstant('{#DataFolder}') + '.' + #13#10#13#10 +
      'Choose No to keep them (for a later reinstall, or to copy them first).',
      mbConfirmation, MB_YESNO or MB_DEFBUTTON2) = IDYES;
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if CurUninstallStep = usUninstall then
  begin
    RemoveFromPath(ExpandConstant('{app}'));
    if DeleteDataRequested() then
    begin
      DelTree(ExpandConstant('{#DataFolder}'), True, True, True);
      RegDeleteKeyIncludingSubkeys(HKCU, 'Software\SpineTreatmentExplorer');
    end;
  end;
end;
